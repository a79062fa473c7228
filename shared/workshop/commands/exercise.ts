/**
 * npm run exercise: the workshop's exercises, as rustlings does them. See USAGE.
 *
 * Each check runs the learner's file (offline: no AWS, no network) in a process of its own, with a time
 * limit; results are saved in .local/exercises/ so that the list shows them at once.
 */
import './require-node';
import { existsSync, readFileSync, rmSync, watch as watchFolder, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { REPO_ROOT } from '../env';
import { ALL_EXERCISES, CHAPTERS } from '../exercises/all';
import { displayName, type Exercise, fromRoot, learnerFile, type Outcome } from '../exercises/contract';
import { starterCommit, starterText, withCopy } from '../exercises/files';
import { runCheck } from '../exercises/run';
import {
  forgetOutcome,
  hintsShown,
  keepCopy,
  lastCopy,
  savedOutcome,
  saveOutcome,
  setHintsShown,
} from '../exercises/state';
import { say } from './cli';

const USAGE = `Usage: npm run exercise [-- <chapter|exercise>] [--watch | --hint | --hints | --solution | --reset | --restore]
  npm run exercise                      every exercise and its state (from the last checks)
  npm run exercise -- 3                 check chapter 3's exercises (or one: 3.1)
  npm run exercise -- --watch [3]       check again on every save; on to the next exercise once it passes
  npm run exercise -- 3 --hint          the next hint for the first one of chapter 3 not done yet
  npm run exercise -- 3 --hints         the hints shown so far
  npm run exercise -- 3.1 --solution    the reference solution: the chapter's own code
  npm run exercise -- 3.1 --reset       put the starter back (your file is kept in .local/exercises/)
  npm run exercise -- 3.1 --restore     bring back the file the last --reset replaced
  npm run exercise -- --solutions       every starter fails its check, every reference passes (CI)`;

const MODES = ['watch', 'hint', 'hints', 'solution', 'reset', 'restore', 'solutions'] as const;
type Mode = (typeof MODES)[number];

class UsageError extends Error {}

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

/** An editor that saves with Windows line endings (CRLF) has not started the exercise by doing so. */
const lf = (text: string) => text.replaceAll('\r\n', '\n');

function isStarter(exercise: Exercise, commit: string): boolean {
  try {
    return lf(readFileSync(learnerFile(exercise), 'utf8')) === lf(starterText(exercise, commit));
  } catch {
    return false;
  }
}

/** The check of the learner's file, saved for the list. */
async function checkLearner(exercise: Exercise): Promise<Outcome> {
  const file = learnerFile(exercise);
  const outcome = await runCheck(exercise, file);
  saveOutcome(exercise, file, ALL_EXERCISES, outcome);
  return outcome;
}

/** The saved outcome when the file has not changed since its check; else a new check. */
async function outcomeOf(exercise: Exercise): Promise<Outcome> {
  return savedOutcome(exercise, learnerFile(exercise), ALL_EXERCISES) ?? checkLearner(exercise);
}

async function list(): Promise<number> {
  const commit = starterCommit();
  say('Exercises: complete the file, then check it with npm run exercise -- <chapter> (or --watch).');
  say('');
  let done = 0;
  for (const exercise of ALL_EXERCISES) {
    // A starter fails its check (npm run exercise -- --solutions proves it): no need to run it.
    const starter = isStarter(exercise, commit);
    const outcome = starter ? undefined : await outcomeOf(exercise);
    const state = outcome?.ok ? 'done' : starter ? 'to do' : 'started';
    if (outcome?.ok) done++;
    say(`  ${exercise.id.padEnd(4)} ${state.padEnd(7)} ${exercise.title}`);
    say(`                    ${exercise.file}`);
  }
  say('');
  say(`${done} of ${ALL_EXERCISES.length} done.`);
  return 0;
}

function report(exercise: Exercise, outcome: Outcome): void {
  if (outcome.ok) {
    say(`PASS  ${exercise.id} ${exercise.title}`);
    return;
  }
  say(`FAIL  ${exercise.id} ${exercise.title}`);
  say(outcome.message.replace(/^/gm, '      '));
  if (outcome.output) {
    say('      Your code printed:');
    say(outcome.output.replace(/^/gm, '        '));
  }
  say(`      Work on: ${exercise.file}`);
  say(`      Stuck? npm run exercise -- ${exercise.id} --hint`);
}

async function check(exercises: Exercise[]): Promise<number> {
  let failed = 0;
  for (const exercise of exercises) {
    const outcome = await checkLearner(exercise);
    report(exercise, outcome);
    if (!outcome.ok) failed++;
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

async function hint(exercises: Exercise[]): Promise<number> {
  let target: Exercise | undefined;
  for (const exercise of exercises) {
    if (!(await outcomeOf(exercise)).ok) {
      target = exercise;
      break;
    }
  }
  if (!target) {
    say(`${exercises.length === 1 ? 'This exercise is' : 'These exercises are'} done: no hint needed.`);
    return 0;
  }
  const seen = hintsShown()[target.id] ?? 0;
  const next = Math.min(seen, target.hints.length - 1);
  say(`Hint ${next + 1} of ${target.hints.length} for ${target.id} (${target.file}):`);
  say(`  ${target.hints[next]}`);
  if (next + 1 < target.hints.length) say('Run the same command again for the next hint.');
  else say(`That was the last hint. The reference solution: npm run exercise -- ${target.id} --solution`);
  if (next > 0) say(`The hints shown so far: npm run exercise -- ${target.id} --hints`);
  setHintsShown(target.id, Math.max(seen, next + 1));
  return 0;
}

function hints(exercises: Exercise[]): number {
  const seen = hintsShown();
  const shown = exercises.filter((exercise) => (seen[exercise.id] ?? 0) > 0);
  if (shown.length === 0) {
    say(
      `No hint shown yet${exercises.length === 1 ? ` for ${exercises[0]?.id}` : ''}: npm run exercise -- ${exercises.length === 1 ? exercises[0]?.id : '<chapter>'} --hint shows the first.`,
    );
    return 0;
  }
  for (const exercise of shown) {
    const count = Math.min(seen[exercise.id] ?? 0, exercise.hints.length);
    say(`${exercise.id} ${exercise.title}: ${count} of ${exercise.hints.length} hints shown`);
    exercise.hints.slice(0, count).forEach((text, i) => {
      say(`  ${i + 1}. ${text}`);
    });
    say('');
  }
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

const fromHere = (file: string) => path.relative(process.cwd(), file) || file;

function reset(exercises: Exercise[]): number {
  const commit = starterCommit();
  for (const exercise of exercises) {
    const text = starterText(exercise, commit);
    const file = learnerFile(exercise);
    const same = existsSync(file) && lf(readFileSync(file, 'utf8')) === lf(text);
    setHintsShown(exercise.id, 0);
    forgetOutcome(exercise.id);
    if (same) {
      say(`unchanged ${exercise.file}: it is the starter already (hints start again from the first).`);
      continue;
    }
    const kept = existsSync(file) ? keepCopy(exercise, file) : undefined;
    writeFileSync(file, text);
    say(
      `reset     ${exercise.file} to the starter (from ${commit === 'HEAD' ? 'HEAD' : commit.slice(0, 12)}); hints start again from the first.`,
    );
    if (kept) {
      say(
        `          Your file is kept in ${fromHere(kept)}: npm run exercise -- ${exercise.id} --restore brings it back.`,
      );
    }
  }
  return 0;
}

function restore(exercises: Exercise[]): number {
  let missing = 0;
  for (const exercise of exercises) {
    const copy = lastCopy(exercise);
    if (!copy) {
      say(
        `nothing   ${exercise.id}: no --reset has replaced ${exercise.file}, so there is nothing to bring back.`,
      );
      missing++;
      continue;
    }
    const file = learnerFile(exercise);
    const current = existsSync(file) ? readFileSync(file, 'utf8') : undefined;
    const kept = readFileSync(copy, 'utf8');
    // What is there now is not lost either, unless it is the starter (git has that) or the same text.
    const keepNow =
      current !== undefined && lf(current) !== lf(kept) && lf(current) !== lf(starterText(exercise));
    const now = keepNow ? keepCopy(exercise, file) : undefined;
    writeFileSync(file, kept);
    rmSync(copy);
    forgetOutcome(exercise.id);
    say(`restored  ${exercise.file} from ${fromHere(copy)}.`);
    if (now) say(`          What it held is kept in ${fromHere(now)} (--restore again brings that back).`);
  }
  return missing > 0 && missing === exercises.length ? 1 : 0;
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
    say(
      `      starter   ${starter.ok ? 'PASSES its check (it must fail)' : `fails: ${starter.message.split('\n')[0]}`}`,
    );
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

/**
 * Wait until `file` is saved with other contents than `before`. The folder is watched, not the file:
 * editors often save by writing a new file and renaming it over the old one, which ends a watch on the file
 * itself (fs.watch on a folder works on Linux, macOS and Windows alike).
 */
function savedAgain(file: string, before: string | undefined): Promise<void> {
  return new Promise((resolve) => {
    let timer: NodeJS.Timeout | undefined;
    const watcher = watchFolder(path.dirname(file), (_event, name) => {
      // Some systems do not say which file changed: look at ours anyway.
      if (name !== null && name !== path.basename(file)) return;
      clearTimeout(timer);
      // An editor writes in steps: wait for it to be done.
      timer = setTimeout(() => {
        let now: string | undefined;
        try {
          now = readFileSync(file, 'utf8');
        } catch {
          return; // between an editor's delete and its rename
        }
        if (now === before) return;
        watcher.close();
        resolve();
      }, 100);
    });
  });
}

async function watch(exercises: Exercise[]): Promise<number> {
  // Ctrl-C: exit hooks run, so a check still running is stopped with it.
  process.once('SIGINT', () => process.exit(130));
  const order =
    exercises.length === 1 ? ALL_EXERCISES.slice(ALL_EXERCISES.indexOf(exercises[0] as Exercise)) : exercises;
  let index = 0;
  say(`Watching: each time you save, the exercise is checked again. Ctrl-C to stop.`);
  while (index < order.length) {
    const exercise = order[index] as Exercise;
    const file = learnerFile(exercise);
    say('');
    say(`== ${exercise.id} ${exercise.title}: ${displayName(file)}`);
    const before = existsSync(file) ? readFileSync(file, 'utf8') : undefined;
    // Unchanged since its last check: that result stands.
    const outcome = await outcomeOf(exercise);
    report(exercise, outcome);
    if (outcome.ok) {
      index++;
      const next = order[index];
      if (next) say(`On to ${next.id}.`);
      continue;
    }
    say('      Waiting for you to save it...');
    await savedAgain(file, before);
  }
  say('');
  say(`All ${order.length} done.`);
  return 0;
}

function parseCommandLine(): { mode: Mode | undefined; target: string | undefined } {
  const args = process.argv.slice(2);
  const known = new Set([...MODES.map((mode) => `--${mode}`), '--help', '-h']);
  const unknown = args.find((arg) => arg.startsWith('-') && !known.has(arg));
  if (unknown) {
    const name = unknown.split('=')[0] as string;
    throw new UsageError(
      known.has(name)
        ? `${name} takes no value: write it alone, and the exercise as a word of its own (npm run exercise -- 3.1 ${name}).`
        : `unknown option ${unknown}.`,
    );
  }
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      ...Object.fromEntries(MODES.map((mode) => [mode, { type: 'boolean', default: false }] as const)),
      help: { type: 'boolean', short: 'h', default: false },
    },
  }) as { values: Record<string, boolean>; positionals: string[] };
  if (values.help) {
    say(USAGE);
    process.exit(0);
  }
  const modes = MODES.filter((mode) => values[mode]);
  if (modes.length > 1) throw new UsageError(`choose one of --${modes.join(', --')}.`);
  if (positionals.length > 1)
    throw new UsageError(`name one chapter or exercise (got "${positionals.join(' ')}").`);
  return { mode: modes[0], target: positionals[0] };
}

async function main(): Promise<number> {
  const { mode, target } = parseCommandLine();
  if (mode === 'solutions') {
    if (target !== undefined) throw new UsageError('--solutions checks every exercise: name none.');
    return solutions();
  }
  if (target === undefined) {
    if (mode === undefined) return list();
    if (mode === 'reset' || mode === 'restore') {
      throw new UsageError(`--${mode} needs a chapter or an exercise (e.g. 3.1): it replaces a file.`);
    }
    if (mode === 'solution') {
      throw new UsageError('--solution needs an exercise (e.g. 3.1): it shows that one reference solution.');
    }
    if (mode === 'hint') {
      throw new UsageError(
        '--hint needs a chapter or an exercise (e.g. 3 or 3.1): the hint is for the first of them not done yet. No hint was spent.',
      );
    }
  }
  const exercises = select(target);
  switch (mode) {
    case 'watch':
      return watch(target === undefined ? [...ALL_EXERCISES] : exercises);
    case 'hint':
      return hint(exercises);
    case 'hints':
      return hints(exercises);
    case 'solution':
      return solution(exercises);
    case 'reset':
      return reset(exercises);
    case 'restore':
      return restore(exercises);
    default:
      return check(exercises);
  }
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
