/**
 * npm run exercise as CI and a learner run it: --solutions holds every exercise to the rustlings rule
 * (the starter fails, the reference passes); misuse says what to type instead; --hint, --hints, --reset,
 * --restore, the list from saved results and --watch, each on a copy of the learner's files (never the
 * checkout's own), with its own .local/.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '../env';
import { starterText } from '../exercises/files';
import { TSX_HOOK } from '../process/entries';
import { runCommand } from '../test-support/run-command';

const COMMAND = ['--require', TSX_HOOK, 'shared/workshop/commands/exercise.ts'];
const POST_SIGNATURE = '01-static-site/exercises/post-signature.ts';
const CHECK_RESULT = '01-static-site/exercises/check-result.ts';
const starter = (file: string) => starterText({ file } as Parameters<typeof starterText>[0]);
const reference = readFileSync(path.join(REPO_ROOT, '01-static-site/site/src/post-signature.ts'), 'utf8');

const run = (...args: string[]) =>
  runCommand(process.execPath, [...COMMAND, ...args], { ...process.env, NO_COLOR: '1' });

it('--solutions: every starter fails its check and every reference solution passes it', async () => {
  const ran = await run('--solutions');
  expect(ran.stderr).toBe('');
  expect(ran.stdout).toMatch(/^All \d+ exercises: the starter fails, the reference passes\.$/m);
  expect(ran.stdout).not.toMatch(/^BAD /m);
  expect(ran.code).toBe(0);
}, 180_000);

describe('on a copy of the learner files', () => {
  let root: string;
  const env = () => ({
    ...process.env,
    NO_COLOR: '1',
    WORKSHOP_LEARNER_ROOT: root,
    LOCAL_DATA_DIR: path.join(root, '.local'),
  });
  const inCopy = (...args: string[]) => runCommand(process.execPath, [...COMMAND, ...args], env());
  const file = (name: string) => path.join(root, name);
  const write = (name: string, text: string) => {
    mkdirSync(path.dirname(file(name)), { recursive: true });
    writeFileSync(file(name), text);
  };

  beforeEach(() => {
    // Inside the checkout, as the learner's files are: imports and types resolve as they do there.
    mkdirSync(path.join(REPO_ROOT, '.local'), { recursive: true });
    root = mkdtempSync(path.join(REPO_ROOT, '.local', 'exercise-cli-'));
    write(POST_SIGNATURE, starter(POST_SIGNATURE));
    write(CHECK_RESULT, starter(CHECK_RESULT));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it.each([
    [['--reset'], /--reset needs a chapter or an exercise/],
    [['--restore'], /--restore needs a chapter or an exercise/],
    [['--solution'], /--solution needs an exercise \(e\.g\. 3\.1\)/],
    [['--hint'], /--hint needs a chapter or an exercise.*No hint was spent/],
    [['3.9'], /no exercise "3\.9"/],
    [['3', '--hint', '--solution'], /choose one of --hint, --solution/],
    [['--hitn'], /^exercise: unknown option --hitn\.$/m],
    [['1.1', '--hint=2'], /--hint takes no value/],
  ])('%j is refused with the reason and the usage, exit 2, and changes nothing', async (args, reason) => {
    const ran = await inCopy(...args);
    expect(ran.stderr).toMatch(reason);
    expect(ran.stderr).toMatch(/Usage: npm run exercise/);
    expect(ran.stderr).not.toMatch(/ERR_PARSE_ARGS|TypeError/);
    expect(ran.code).toBe(2);
    // No hint spent, no file replaced.
    expect(existsSync(path.join(root, '.local', 'exercises', 'hints.json'))).toBe(false);
    expect(readFileSync(file(POST_SIGNATURE), 'utf8')).toBe(starter(POST_SIGNATURE));
  });

  it('--hint shows one more hint each time, --hints lists those seen, --reset keeps the file and starts the hints again, --restore brings the file back', async () => {
    const work = starter(POST_SIGNATURE).replace('// TODO: send', '// my notes\n  // TODO: send');
    write(POST_SIGNATURE, work);

    const first = await inCopy('1.1', '--hint');
    expect(first.stdout).toMatch(/^Hint 1 of 3 for 1\.1/m);
    const second = await inCopy('1.1', '--hint');
    expect(second.stdout).toMatch(/^Hint 2 of 3 for 1\.1/m);
    const seen = await inCopy('1.1', '--hints');
    expect(seen.stdout).toMatch(/2 of 3 hints shown\n {2}1\. .+\n {2}2\. /);
    expect(seen.code).toBe(0);

    const reset = await inCopy('1.1', '--reset');
    expect(reset.code).toBe(0);
    const kept = /Your file is kept in (\S+): npm run exercise -- 1\.1 --restore brings it back/.exec(
      reset.stdout,
    );
    expect(kept).not.toBeNull();
    expect(readFileSync(path.resolve(REPO_ROOT, kept?.[1] as string), 'utf8')).toBe(work);
    expect(readFileSync(file(POST_SIGNATURE), 'utf8')).toBe(starter(POST_SIGNATURE));
    expect((await inCopy('1.1', '--hints')).stdout).toMatch(/No hint shown yet for 1\.1/);
    expect((await inCopy('1.1', '--hint')).stdout).toMatch(/^Hint 1 of 3 for 1\.1/m);

    const restored = await inCopy('1.1', '--restore');
    expect(restored.stdout).toMatch(/^restored {2}01-static-site\/exercises\/post-signature\.ts from /m);
    expect(readFileSync(file(POST_SIGNATURE), 'utf8')).toBe(work);
    const again = await inCopy('1.1', '--restore');
    expect(again.stdout).toMatch(/no --reset has replaced/);
  }, 60_000);

  it('the list shows the saved results, and checks again only a file changed since', async () => {
    write(POST_SIGNATURE, reference);
    const checked = await inCopy('1.1');
    expect(checked.stdout).toMatch(/^PASS {2}1\.1 /m);
    expect((await inCopy()).stdout).toMatch(/^ {2}1\.1 {2}done /m);

    // The saved result is what the list shows: one made to say FAIL is believed while the file is unchanged...
    const results = path.join(root, '.local', 'exercises', 'results.json');
    const saved = JSON.parse(readFileSync(results, 'utf8'));
    saved['1.1'].ok = false;
    writeFileSync(results, JSON.stringify(saved));
    expect((await inCopy()).stdout).toMatch(/^ {2}1\.1 {2}started /m);
    // ...and a change to the file checks it again.
    write(POST_SIGNATURE, `${reference}\n// saved again\n`);
    expect((await inCopy()).stdout).toMatch(/^ {2}1\.1 {2}done /m);
  }, 60_000);

  it('--watch checks on every save and moves on to the next exercise once it passes', async () => {
    const watcher: ChildProcess = spawn(process.execPath, [...COMMAND, '--watch', '1.1'], {
      cwd: REPO_ROOT,
      env: env(),
    });
    let out = '';
    watcher.stdout?.on('data', (chunk) => {
      out += chunk;
    });
    watcher.stderr?.on('data', (chunk) => {
      out += chunk;
    });
    const printed = (pattern: RegExp) =>
      new Promise<void>((resolve, reject) => {
        const deadline = setTimeout(() => reject(new Error(`not printed: ${pattern}\n${out}`)), 40_000);
        const look = () => {
          if (pattern.test(out)) {
            clearTimeout(deadline);
            resolve();
          } else setTimeout(look, 50);
        };
        look();
      });
    try {
      await printed(/FAIL {2}1\.1[\s\S]*Waiting for you to save it/);
      write(POST_SIGNATURE, reference);
      await printed(/PASS {2}1\.1[\s\S]*On to 1\.2\.[\s\S]*== 1\.2 [\s\S]*FAIL {2}1\.2[\s\S]*Waiting/);
    } finally {
      watcher.kill('SIGINT');
      await new Promise((resolve) => watcher.once('exit', resolve));
    }
  }, 90_000);
});
