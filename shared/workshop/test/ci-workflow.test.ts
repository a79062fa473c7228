/**
 * The GitHub Actions workflow, which cannot run here: it parses, its platforms matrix covers every learner's
 * laptop on the Lambda's Node.js major and the newest LTS, and each of its steps is a script of this
 * repository that .ci/run also runs on Linux (itself, or through `npm test`).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { RUNTIME_NODE_MAJOR } from '../../src/config';
import { REPO_ROOT } from '../env';

interface Step {
  uses?: string;
  run?: string;
  if?: string;
  with?: Record<string, unknown>;
}
interface Job {
  'runs-on': string;
  container?: string;
  strategy?: { matrix: Record<string, unknown[]> };
  steps: Step[];
}

const read = (file: string) => readFileSync(path.join(REPO_ROOT, file), 'utf8');
const workflow = parse(read('.github/workflows/ci.yml'), { uniqueKeys: true, strict: true }) as {
  on: unknown;
  jobs: Record<string, Job>;
};
const scripts: Record<string, string> = JSON.parse(read('package.json')).scripts;

/** An npm command line as `npm run X [-- args]`, `npm test` or `npm ci ...`: the script it runs, and its arguments. */
function npmCommand(line: string): { script: string; args: string } | undefined {
  const match = /^(?:CI=true )?npm (?:run (?:-s )?([\w:-]+)|(test)|(ci))\b(.*)$/.exec(line.trim());
  if (!match) return undefined;
  return { script: match[1] ?? match[2] ?? 'ci', args: (match[4] ?? '').trim() };
}

/** What .ci/run runs: each npm line of it, and every script those run in turn (`npm test` runs jest over every project). */
function coveredByCiRun(ciRun: string, packageScripts: Record<string, string>): Set<string> {
  const covered = new Set<string>();
  const visit = (script: string, args: string) => {
    const key = args ? `${script} ${args}` : script;
    if (covered.has(key)) return;
    covered.add(key);
    const body = packageScripts[script] ?? '';
    for (const part of body.split('&&')) {
      const inner = npmCommand(part);
      if (inner) visit(inner.script, inner.args);
    }
    // Jest with no selection runs every project, hence every script that runs a selection of them.
    if (/jest(\.js)?\s*$/.test(body.trim())) {
      for (const [name, other] of Object.entries(packageScripts))
        if (/^jest\b/.test(other)) covered.add(name);
    }
  };
  for (const line of ciRun.split('\n')) {
    const command = npmCommand(line);
    if (command) visit(command.script, command.args);
  }
  return covered;
}

describe('.github/workflows/ci.yml', () => {
  it('is a workflow: triggers, and jobs whose steps each use an action or run a command', () => {
    expect(workflow.on).toBeDefined();
    expect(Object.keys(workflow.jobs).length).toBeGreaterThan(0);
    for (const job of Object.values(workflow.jobs)) {
      expect(typeof job['runs-on']).toBe('string');
      for (const step of job.steps) expect([step.uses, step.run].filter(Boolean)).toHaveLength(1);
    }
  });

  it('runs .ci/run itself on the Debian machine the project CI uses', () => {
    const full = Object.values(workflow.jobs).find((job) => job.container !== undefined);
    expect(full?.container).toMatch(/bookworm/);
    expect(full?.steps.map((step) => step.run).filter(Boolean)).toEqual(['bash .ci/run']);
  });

  const platforms = workflow.jobs.platforms as Job;

  it("has a matrix of Linux, macOS and Windows, on the Lambda's Node.js major and the newest LTS", () => {
    expect(platforms.strategy?.matrix.os).toEqual(['ubuntu-latest', 'macos-latest', 'windows-latest']);
    expect(platforms.strategy?.matrix.node).toEqual([String(RUNTIME_NODE_MAJOR), 'lts/*']);
    expect(platforms['runs-on']).toBe(['${{', 'matrix.os', '}}'].join(' '));
    const setup = platforms.steps.find((step) => step.uses?.startsWith('actions/setup-node@'));
    expect(setup?.with?.['node-version']).toBe(['${{', 'matrix.node', '}}'].join(' '));
  });

  it('runs the install, typecheck, lint, unit tests, the exercises, the npm start smoke test and the doc-tests', () => {
    const runs = platforms.steps.flatMap((step) => (step.run ? [step.run] : []));
    expect(runs.map((line) => npmCommand(line)?.script)).toEqual([
      'ci',
      'typecheck',
      'lint',
      'test:unit',
      'exercise',
      'smoke',
      'doctest',
    ]);
    // The doc-tests are bash: not on Windows.
    expect(platforms.steps.find((step) => step.run === 'npm run doctest')?.if).toBe("runner.os != 'Windows'");
  });

  it('runs, on each platform, only scripts of this repository that .ci/run also runs on Linux', () => {
    const covered = coveredByCiRun(read('.ci/run'), scripts);
    for (const step of platforms.steps) {
      if (!step.run) continue;
      const command = npmCommand(step.run);
      expect({ step: step.run, npm: command !== undefined }).toEqual({ step: step.run, npm: true });
      if (!command || command.script === 'ci') continue;
      expect(scripts[command.script]).toBeDefined();
      const key = command.args ? `${command.script} ${command.args}` : command.script;
      expect({ step: step.run, coveredByCiRun: covered.has(key) }).toEqual({
        step: step.run,
        coveredByCiRun: true,
      });
    }
  });

  it('would see a step that .ci/run does not run', () => {
    const covered = coveredByCiRun('CI=true npm test\n', scripts);
    expect(covered.has('test:unit')).toBe(true);
    expect(covered.has('lint')).toBe(true);
    expect(covered.has('smoke')).toBe(false);
    expect(covered.has('exercise -- --solutions')).toBe(false);
  });

  it('writes each step as PowerShell reads it too: no VAR=value prefix, no $(...), no /dev/null', () => {
    for (const line of platforms.steps.flatMap((step) => step.run ?? []))
      expect(line).not.toMatch(/^\w+=|\$\(|\/dev\/null/);
  });
});
