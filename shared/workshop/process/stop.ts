/**
 * The one stop handler of every long-running command (npm start, the chapters' --offline servers,
 * --preview, logs:local, chapter:5 --follow, demo:logs).
 *
 * It stops on Ctrl-C (SIGINT), SIGTERM (an editor's stop button, `timeout`, a process manager), SIGHUP
 * (the terminal closed), and when what started it is gone without a word: npm passes SIGINT and SIGTERM
 * on, but not SIGHUP, and a parent killed outright (SIGKILL) says nothing. A parent that opened an IPC
 * channel closes it as it ends; any other is watched by its pid, which portably either changes (POSIX
 * gives the orphan a new parent) or stops answering process.kill(pid, 0) (Windows does not); under npm,
 * so are the shell and npm above it (ancestors.ts). The npm scripts run `node --require tsx/cjs <command>`:
 * tsx's own CLI in between would be one more process that outlives npm.
 */
import { type Ancestors, STARTED_UNDER } from './ancestors';

/** Whether one of `watched` (this process's parent first, then those above it) is gone. */
export function ancestorGone(watched: Ancestors): boolean {
  if (watched.npmGone || process.ppid !== watched.pids[0]) return true;
  return watched.pids.some((pid) => {
    try {
      process.kill(pid, 0);
      return false;
    } catch (error) {
      return (error as NodeJS.ErrnoException).code === 'ESRCH';
    }
  });
}

export interface StopRequestOptions {
  /** How often to look at the parent and those above it (ms). */
  readonly pollMs?: number;
}

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
/** A terminal's Ctrl-C reaches the whole process group, and npm passes it on once more: that echo comes within this. */
const ECHO_MS = 1000;

/**
 * Call `stop` once, when this command should end. A second request within a second is the echo of the
 * first and is ignored; one after it forces the exit (exit hooks still run, so children are killed and
 * their folders removed). Returns a function that removes the handlers.
 */
export function onStopRequest(
  stop: (reason: string) => unknown,
  options: StopRequestOptions = {},
): () => void {
  let since = 0;
  const request = (reason: string) => {
    if (since) {
      if (Date.now() - since < ECHO_MS) return;
      process.stderr.write('Forced exit.\n');
      process.exit(130);
    }
    since = Date.now();
    void Promise.resolve()
      .then(() => stop(reason))
      .catch((error: Error) => {
        process.stderr.write(`Could not stop cleanly: ${error.message}\n`);
        process.exit(1);
      });
  };
  const handlers = SIGNALS.map((signal) => {
    const handler = () => request(signal);
    process.on(signal, handler);
    return [signal, handler] as const;
  });
  const onDisconnect = () => request('the command that started it has ended');
  if (process.channel) process.once('disconnect', onDisconnect);
  const watched = STARTED_UNDER;
  const timer = setInterval(() => {
    if (ancestorGone(watched)) {
      clearInterval(timer);
      request('the command that started it has ended');
    }
  }, options.pollMs ?? 500);
  timer.unref();
  return () => {
    clearInterval(timer);
    process.off('disconnect', onDisconnect);
    for (const [signal, handler] of handlers) process.off(signal, handler);
  };
}
