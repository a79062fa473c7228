/**
 * The process one check runs in (started by run.ts): loads the chapter's checks, says it is ready (the
 * time limit counts from then), runs the check on the file and sends the outcome back over IPC.
 *
 *   node --require tsx/cjs check-process.ts <exercise id> <file>
 */
import path from 'node:path';
import { REPO_ROOT } from '../env';
import { CHAPTER_FOLDERS } from './chapters';
import { checkHere, type Exercise, type Outcome, stopSubprocesses } from './contract';

function send(message: object): Promise<void> {
  return new Promise((resolve) => {
    if (!process.send) resolve();
    else process.send(message, () => resolve());
  });
}

async function main(): Promise<void> {
  const [id = '', file = ''] = process.argv.slice(2);
  const folder = CHAPTER_FOLDERS[Number(id.split('.')[0])];
  if (!folder) throw new Error(`no chapter for exercise ${id}`);
  const { exercises } = require(path.join(REPO_ROOT, folder, 'exercises', 'checks.ts')) as {
    exercises: readonly Exercise[];
  };
  const exercise = exercises.find((one) => one.id === id);
  if (!exercise) throw new Error(`no exercise ${id} in ${folder}/exercises/checks.ts`);
  let outcome: Outcome | undefined;
  // What the learner's code throws or rejects outside any call the check awaits: it fails the check.
  const stray = (error: unknown) => {
    outcome ??= {
      ok: false,
      message: `Your code threw outside the call the check made (in a callback or a promise nobody awaited): ${(error as Error)?.message ?? String(error)}`,
    };
  };
  // Time is up (run.ts): what the check started for the learner's code goes first, then this process.
  process.on('message', (message: { type?: string }) => {
    if (message?.type !== 'stop') return;
    stopSubprocesses();
    process.exit(1);
  });
  process.on('uncaughtException', stray);
  process.on('unhandledRejection', stray);
  await send({ type: 'ready' });
  const result = await checkHere(exercise, file);
  outcome ??= result;
  await send({ type: 'outcome', outcome });
  // Whatever the learner's code left running (a timer, a loop of awaits) ends with the process.
  process.exit(0);
}

main().catch(async (error: Error) => {
  await send({ type: 'outcome', outcome: { ok: false, message: `The check itself failed: ${error.stack}` } });
  process.exit(1);
});
