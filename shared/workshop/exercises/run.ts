/**
 * Run an exercise's check on a file, as `npm run exercise` and the tests do: first the file's compiler or
 * parser (diagnose.ts: a mistake at its own line), then the check, in a process of its own (check-process.ts)
 * stopped when its time is up. A loop that never ends or a promise that never settles in the learner's
 * code then gives a message naming the call that did not return, and leaves nothing running.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { startChild } from '../process/children';
import { CALLING_FILE, displayName, type Exercise, type Outcome } from './contract';
import { diagnose } from './diagnose';

const CHECK_PROCESS = path.join(__dirname, 'check-process.ts');
/** Starting the check's process (Node, tsx, the chapter's checks and their imports): not the learner's time. */
const START_LIMIT_MS = 60_000;
export const DEFAULT_TIME_LIMIT_MS = 5000;
/** How long a check's process has, once asked, to stop what it started before it is killed. */
const STOP_GRACE_MS = 1000;
/** What the learner's code printed, kept for the message: its last lines. */
const OUTPUT_LINES = 20;

type Message = { type: 'ready' } | { type: 'outcome'; outcome: Outcome };

function lastLines(text: string): string | undefined {
  const lines = text.trimEnd().split('\n');
  if (lines.length === 1 && lines[0] === '') return undefined;
  return (lines.length > OUTPUT_LINES ? ['...', ...lines.slice(-OUTPUT_LINES)] : lines).join('\n');
}

const seconds = (ms: number) => `${Math.round(ms / 100) / 10} s`;

export async function runCheck(exercise: Exercise, file: string): Promise<Outcome> {
  let found: string | undefined;
  try {
    found = diagnose(exercise, file);
  } catch (error) {
    return { ok: false, message: `${displayName(file)} could not be read: ${(error as Error).message}` };
  }
  if (found) return { ok: false, message: found };

  const limit = exercise.timeLimitMs ?? DEFAULT_TIME_LIMIT_MS;
  const child = startChild({
    entry: CHECK_PROCESS,
    args: [exercise.id, file],
    env: { ...process.env, WORKSHOP_EXERCISE_CHECK: '1', NO_COLOR: '1', FORCE_COLOR: '0' },
  });
  let output = '';
  child.process.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    output += chunk;
  });
  child.process.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    output += chunk;
  });
  const withOutput = (outcome: Outcome): Outcome => {
    const printed = lastLines(output);
    return printed ? { ...outcome, output: printed } : outcome;
  };

  return new Promise<Outcome>((resolve) => {
    let settled = false;
    let timer: NodeJS.Timeout;
    const finish = (outcome: Outcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      // Asked first to stop what it started (a script's processes), then killed outright: a process stuck
      // in a loop cannot stop itself. Its folders go with it (children.ts).
      const running = () => child.process.exitCode === null && child.process.signalCode === null;
      if (running() && child.process.connected) child.process.send({ type: 'stop' }, () => {});
      const kill = setTimeout(() => {
        if (running()) child.process.kill('SIGKILL');
      }, STOP_GRACE_MS);
      void child.exited.then(() => {
        clearTimeout(kill);
        resolve(withOutput(outcome));
      });
    };
    const timeUp = (what: 'start' | 'check') => () => {
      if (what === 'start') {
        finish({
          ok: false,
          message: `The check of ${exercise.id} could not start within ${seconds(START_LIMIT_MS)} (the machine may be very busy): run it again.`,
        });
        return;
      }
      let call = '';
      try {
        call = readFileSync(path.join(child.tempDir, CALLING_FILE), 'utf8');
      } catch {
        // Nothing said yet.
      }
      finish({
        ok: false,
        message: `The check was stopped after ${seconds(limit)}: ${call ? `${call} did not return` : 'your code did not return'}. A loop that never ends, or a promise that never settles (an await on something that never comes)? Nothing of it is left running.`,
      });
    };
    timer = setTimeout(timeUp('start'), START_LIMIT_MS);
    child.process.on('message', (message: Message) => {
      if (message.type === 'ready') {
        clearTimeout(timer);
        timer = setTimeout(timeUp('check'), limit);
      } else if (message.type === 'outcome') {
        finish(message.outcome);
      }
    });
    void child.exited.then(({ code, signal, error }) => {
      if (settled) return;
      finish({
        ok: false,
        message: error
          ? `The check could not start: ${error.message}`
          : `The check's process ended before its verdict (${signal ? `signal ${signal}` : `exit status ${code}`}): does your code call process.exit()?`,
      });
    });
  });
}
