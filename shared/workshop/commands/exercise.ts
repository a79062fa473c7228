/**
 * npm run exercise [-- <chapter|exercise>] [--hint | --solution | --reset] | [-- --solutions]
 *
 *   npm run exercise                 every exercise and its state
 *   npm run exercise -- 3            check chapter 3's exercises: PASS, or the first expectation not met
 *   npm run exercise -- 3 --hint     the next hint for the first exercise of chapter 3 not done yet
 *   npm run exercise -- 3.1 --solution   the reference: the chapter's own code
 *   npm run exercise -- 3.1 --reset      put the starter back (your edits are lost)
 *   npm run exercise -- --solutions  (CI) every starter fails its check, every reference passes it
 *
 * Offline: no AWS, no network, a few seconds.
 */
import './require-node';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { LOCAL_DATA_PATH, REPO_ROOT } from '../env';
import { ALL_EXERCISES, CHAPTERS } from '../exercises/all';
import { type Exercise, fromRoot, runCheck } from '../exercises/contract';
import { starterCommit, starterText, withCopy } from '../exercises/files';
import { parseCommandLine, say } from './cli';

const USAGE = `Usage: npm run exercise [-- <chapter|exercise>] [--hint | --solution | --reset]
  npm run exercise                      every exercise and its state
  npm run exercise -- 3                 check chapter 3's exercises (or one: 3.1)
  npm run exercise -- 3 --hint          the next hint for the first one not done yet
  npm run exercise -- 3.1 --solution    the reference solution: the chapter's own code
  npm run exercise -- 3.1 --reset       put the starter back (your edits to it are lost)
  npm run exercise -- --solutions       every starter fails its check, every reference passes (CI)`;

const HINTS_FILE = path.join(LOCAL_DATA_PATH, 'exercise-hints.json');

function select(target: string | undefined): Exercise[] {
  if (target === undefined) return [...ALL_EXERCISES];
  const chapter = /^0?(\d)$/.exec(target);
  if (chapter) {
    const found = CHAPTERS[Number(chapter[1])];
    if (!found)
      throw new UsageError(
        `chapter ${target} has no exercises (chapters with exercises: ${Object.keys(CHAPTERS).join(', ')}).`,
      );
    return [...found.exercises];
  }
  const one = ALL_EXERCISES.find((exercise) => exercise.id === target.replace(/^0/, ''));
  if (!one) {
    throw new UsageError(
      `no exercise "${target}": name a chapter (3) or an exercise (${ALL_EXERCISES.map((e) => e.id).join(', ')}).`,
    );
  }
  return [one];
}

class UsageError extends Error {}

/** An editor that saves with Windows line endings (CRLF) has not started the exercise by doing so. */
const lf = (text: string) => text.replaceAll('\r\n', '\n');

function isStarter(exercise: Exercise, commit: string): boolean {
  try {
    return lf(readFileSync(fromRoot(exercise.file), 'utf8')) === lf(starterText(exercise, commit));
  } catch {
    return false;
  }
}

async function list(): Promise<number> {
  const commit = starterCommit();
  say('Exercises: complete the file, then check it with npm run exercise -- <chapter>.');
  say('');
  let done = 0;
  for (const exercise of ALL_EXERCISES) {
    const outcome = await runCheck(exercise, fromRoot(exercise.file));
    const state = outcome.ok ? 'done' : isStarter(exercise, commit) ? 'to do' : 'started';
    if (outcome.ok) done++;
    say(`  ${exercise.id.padEnd(4)} ${state.padEnd(7)} ${exercise.title}`);
    say(`                    ${exercise.file}`);
  }
  say('');
  say(`${done} of ${ALL_EXERCISES.length} done.`);
  return 0;
}

async function check(exercises: Exercise[]): Promise<number> {
  let failed = 0;
  for (const exercise of exercises) {
    const outcome = await runCheck(exercise, fromRoot(exercise.file));
    if (outcome.ok) {
      say(`PASS  ${exercise.id} ${exercise.title}`);
      continue;
    }
    failed++;
    say(`FAIL  ${exercise.id} ${exercise.title}`);
    say(`      ${outcome.message}`);
    say(`      Work on: ${exercise.file}`);
    say(`      Stuck? npm run exercise -- ${exercise.id} --hint`);
  }
  say('');
  if (failed === 0) {
    say(exercises.length === 1 ? 'Done.' : `All ${exercises.length} done.`);
    if (exercises.some((exercise) => exercise.replaces)) {
      say("npm start -- --use-exercises runs the workshop with your files in place of the chapters' code.");
    }
    return 0;
  }
  say(`${failed} of ${exercises.length} not done yet.`);
  return 1;
}

function readHintsShown(): Record<string, number> {
  try {
    return JSON.parse(readFileSync(HINTS_FILE, 'utf8')) as Record<string, number>;
  } catch {
    return {};
  }
}

async function hint(exercises: Exercise[]): Promise<number> {
  let target: Exercise | undefined;
  for (const exercise of exercises) {
    if (!(await runCheck(exercise, fromRoot(exercise.file))).ok) {
      target = exercise;
      break;
    }
  }
  if (!target) {
    say(`${exercises.length === 1 ? 'This exercise is' : 'These exercises are'} done: no hint needed.`);
    return 0;
  }
  const shownSoFar = readHintsShown();
  const next = Math.min(shownSoFar[target.id] ?? 0, target.hints.length - 1);
  say(`Hint ${next + 1} of ${target.hints.length} for ${target.id} (${target.file}):`);
  say(`  ${target.hints[next]}`);
  if (next + 1 < target.hints.length) say(`Run the same command again for the next hint.`);
  else say(`That was the last hint. The answer: npm run exercise -- ${target.id} --solution`);
  mkdirSync(path.dirname(HINTS_FILE), { recursive: true });
  writeFileSync(HINTS_FILE, `${JSON.stringify({ ...shownSoFar, [target.id]: next + 1 }, null, 2)}\n`);
  return 0;
}

function solution(exercises: Exercise[]): number {
  for (const exercise of exercises) {
    say(`== ${exercise.id} ${exercise.title}`);
    say(`The reference solution is the chapter's own code, ${exercise.solution}:`);
    say('');
    say((exercise.solutionText?.() ?? readFileSync(fromRoot(exercise.solution), 'utf8')).trimEnd());
    say('');
    if (!exercise.solutionText) say(`Compare with yours: diff ${exercise.solution} ${exercise.file}`);
    say('');
  }
  return 0;
}

function reset(exercises: Exercise[]): number {
  const commit = starterCommit();
  for (const exercise of exercises) {
    const text = starterText(exercise, commit);
    const file = fromRoot(exercise.file);
    const same = existsSync(file) && readFileSync(file, 'utf8') === text;
    if (!same) writeFileSync(file, text);
    say(
      `${same ? 'unchanged' : 'reset    '} ${exercise.file} (the starter, from ${commit === 'HEAD' ? 'HEAD' : commit.slice(0, 12)})`,
    );
  }
  return 0;
}

/** The rustlings rule, for CI: each starter fails its check, each reference solution passes it. */
async function solutions(): Promise<number> {
  const commit = starterCommit();
  let broken = 0;
  for (const exercise of ALL_EXERCISES) {
    const starter = await withCopy(exercise, starterText(exercise, commit), (copy) =>
      runCheck(exercise, copy),
    );
    const reference = await runCheck(exercise, fromRoot(exercise.solution));
    const good = !starter.ok && reference.ok;
    if (!good) broken++;
    say(`${good ? 'ok  ' : 'BAD '} ${exercise.id} ${exercise.title}`);
    say(`      starter   ${starter.ok ? 'PASSES its check (it must fail)' : `fails: ${starter.message}`}`);
    say(`      reference ${reference.ok ? `passes (${exercise.solution})` : `FAILS: ${reference.message}`}`);
  }
  say('');
  say(
    broken === 0
      ? `All ${ALL_EXERCISES.length} exercises: the starter fails, the reference passes.`
      : `${broken} of ${ALL_EXERCISES.length} exercises break the rule (see BAD above).`,
  );
  return broken === 0 ? 0 : 1;
}

async function main(): Promise<number> {
  const { values, positionals } = parseCommandLine('exercise', USAGE, {
    allowPositionals: true,
    options: {
      hint: { type: 'boolean', default: false },
      solution: { type: 'boolean', default: false },
      reset: { type: 'boolean', default: false },
      solutions: { type: 'boolean', default: false },
    },
  });
  const modes = (['hint', 'solution', 'reset', 'solutions'] as const).filter((mode) => values[mode]);
  if (modes.length > 1) throw new UsageError(`choose one of --${modes.join(', --')}.`);
  if (positionals.length > 1)
    throw new UsageError(`name one chapter or exercise (got "${positionals.join(' ')}").`);
  const target = positionals[0];
  const mode = modes[0];
  if (mode === 'solutions') {
    if (target !== undefined) throw new UsageError('--solutions checks every exercise: name none.');
    return solutions();
  }
  if (mode === 'reset' && target === undefined) {
    throw new UsageError('--reset needs a chapter or an exercise (e.g. 3.1): it overwrites your work.');
  }
  if (target === undefined && mode === undefined) return list();
  const exercises = select(target);
  if (mode === 'hint') return hint(exercises);
  if (mode === 'solution') return solution(exercises);
  if (mode === 'reset') return reset(exercises);
  return check(exercises);
}

if (require.main === module) {
  process.chdir(REPO_ROOT);
  main().then(
    (code) => process.exit(code),
    (error: Error) => {
      if (error instanceof UsageError) {
        process.stderr.write(`exercise: ${error.message}\n\n${USAGE}\n`);
        process.exit(2);
      }
      process.stderr.write(`exercise: ${error.message}\n`);
      process.exit(1);
    },
  );
}
