/** The Node.js the workshop asks for, and the install scripts npm may run. */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { RUNTIME_NODE_MAJOR } from '../../src/config';
import { nodeVersionProblem, requiredNodeMajor } from '../node-version';
import { runtimeNode } from '../system-requirements';
import { tempDir } from '../test-support/temp';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const readJson = (file: string) => JSON.parse(readFileSync(path.join(ROOT, file), 'utf8'));

describe('requiredNodeMajor', () => {
  it("reads package.json's engines, which asks for the Lambda runtime's major or newer", () => {
    expect(requiredNodeMajor()).toBe(RUNTIME_NODE_MAJOR);
  });

  it.each(['^24', '24.x', '>=24 <26', undefined])('refuses engines.node %p, naming the file', (range) => {
    const dir = tempDir('engines');
    try {
      const file = path.join(dir.path, 'package.json');
      writeFileSync(file, JSON.stringify({ engines: range === undefined ? {} : { node: range } }));
      expect(() => requiredNodeMajor(file)).toThrow(`${file}: engines.node must read ">=N"`);
    } finally {
      dir.remove();
    }
  });
});

describe('nodeVersionProblem', () => {
  it('says which Node.js runs, where it is and what to install, for an older one', () => {
    const problem = nodeVersionProblem('v20.20.2', '/usr/bin/node', 24);
    expect(problem).toContain(
      'This workshop needs Node.js 24 or newer, and this is Node.js v20.20.2 (/usr/bin/node).',
    );
    expect(problem).toContain('nvm install 24');
    expect(problem).toContain('`node --version` prints v24 or newer');
  });

  it.each(['v24.0.0', 'v24.21.0', 'v26.10.0'])('accepts %s', (version) => {
    expect(nodeVersionProblem(version, '/usr/bin/node', 24)).toBeUndefined();
  });

  it('refuses a version it cannot read rather than letting it through', () => {
    expect(nodeVersionProblem('unknown', '/x/node', 24)).toContain('this is Node.js unknown');
  });
});

describe('runtimeNode', () => {
  it("is the running Node.js when it is the Lambda's major, whatever else is configured", () => {
    const running = { version: `v${RUNTIME_NODE_MAJOR}.3.1`, execPath: '/opt/node/bin/node' };
    expect(runtimeNode({ RUNTIME_NODE: '/nowhere/node' }, running)).toBe('/opt/node/bin/node');
  });
});

describe("package.json's allowScripts", () => {
  it('decides about every dependency in the lockfile that has an install script, and only those', () => {
    const lock = readJson('package-lock.json');
    const withScripts = new Set<string>();
    for (const [where, entry] of Object.entries<{ hasInstallScript?: boolean }>(lock.packages)) {
      if (entry.hasInstallScript) withScripts.add(where.slice(where.lastIndexOf('node_modules/') + 13));
    }
    expect([...withScripts].sort()).toEqual(Object.keys(readJson('package.json').allowScripts).sort());
  });
});

describe('the install scripts allowScripts denies', () => {
  // The laptops learners bring, and CI's: Linux and Windows on x64 and arm64, macOS on both.
  const LAPTOPS = ['linux x64', 'linux arm64', 'darwin x64', 'darwin arm64', 'win32 x64', 'win32 arm64'];
  const lock = readJson('package-lock.json');
  const entry = (name: string) => lock.packages[`node_modules/${name}`];

  it.each(['esbuild', '@swc/core', '@parcel/watcher'])(
    '%s: its binary comes in a platform package npm installs anyway, on every laptop, so its script is not needed',
    (name) => {
      const platforms = Object.keys(entry(name).optionalDependencies ?? {}).flatMap((dependency) => {
        const { os = [], cpu = [], libc = ['glibc'] } = entry(dependency) ?? {};
        return libc.includes('glibc') ? os.flatMap((o: string) => cpu.map((c: string) => `${o} ${c}`)) : [];
      });
      expect(LAPTOPS.filter((laptop) => !platforms.includes(laptop))).toEqual([]);
    },
  );

  it('es5-ext: its script only prints a message (in some time zones), whatever the platform', () => {
    const scripts = JSON.parse(
      readFileSync(path.join(ROOT, 'node_modules/es5-ext/package.json'), 'utf8'),
    ).scripts;
    expect(scripts.postinstall).toContain("require('./_postinstall')");
    const script = readFileSync(path.join(ROOT, 'node_modules/es5-ext/_postinstall.js'), 'utf8');
    expect(script).toContain('Intl.DateTimeFormat().resolvedOptions().timeZone');
    expect(script).not.toMatch(/require\(["'](child_process|https?|fs)["']\)/);
  });
});
