/**
 * The one stop handler (process/stop.ts): which requests stop a command, the echo of a Ctrl-C ignored,
 * a later one forcing the exit; and a parent gone, with or without a channel, seen without /proc.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import { isNpm, parsePsLine, watchedAncestors } from '../process/ancestors';
import { TSX_HOOK } from '../process/entries';
import { ancestorGone, onStopRequest } from '../process/stop';

const CHILDREN = path.join(__dirname, '..', 'test-support', 'children');
const STOP_REQUEST = path.join(CHILDREN, 'stop-request.ts');

describe('onStopRequest, in this process', () => {
  let remove: (() => void) | undefined;
  let exit: jest.SpyInstance;
  let now: jest.SpyInstance;
  let stderr: jest.SpyInstance;
  const flush = () => new Promise((resolve) => setImmediate(resolve));

  beforeEach(() => {
    exit = jest.spyOn(process, 'exit').mockImplementation(((code?: number) => {
      throw new Error(`exit ${code}`);
    }) as never);
    now = jest.spyOn(Date, 'now').mockReturnValue(10_000);
    stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
  });
  afterEach(() => {
    remove?.();
    exit.mockRestore();
    now.mockRestore();
    stderr.mockRestore();
  });

  it.each(['SIGINT', 'SIGTERM', 'SIGHUP'] as const)('stops once on %s, with its name', async (signal) => {
    const stop = jest.fn();
    remove = onStopRequest(stop);
    process.emit(signal, signal);
    await flush();
    expect(stop.mock.calls).toEqual([[signal]]);
  });

  it("ignores a second request within a second (a Ctrl-C's echo); a later one forces the exit", async () => {
    const stop = jest.fn(() => new Promise(() => undefined)); // a stop that never ends
    remove = onStopRequest(stop);
    process.emit('SIGINT', 'SIGINT');
    now.mockReturnValue(10_999);
    process.emit('SIGINT', 'SIGINT');
    await flush();
    expect(stop).toHaveBeenCalledTimes(1);
    expect(exit).not.toHaveBeenCalled();
    now.mockReturnValue(11_000);
    expect(() => process.emit('SIGINT', 'SIGINT')).toThrow('exit 130');
    expect(stderr).toHaveBeenCalledWith('Forced exit.\n');
  });

  it('exits 1, saying why, when stopping fails', async () => {
    exit.mockImplementation((() => undefined) as never);
    remove = onStopRequest(() => Promise.reject(new Error('the disk is gone')));
    process.emit('SIGTERM', 'SIGTERM');
    await flush();
    expect(stderr).toHaveBeenCalledWith('Could not stop cleanly: the disk is gone\n');
    expect(exit).toHaveBeenCalledWith(1);
  });

  it('leaves the signals alone once removed', async () => {
    const stop = jest.fn();
    onStopRequest(stop)();
    const before = process.listenerCount('SIGTERM');
    const keep = () => undefined;
    process.on('SIGTERM', keep); // without a listener, SIGTERM would end the test worker
    process.emit('SIGTERM', 'SIGTERM');
    process.off('SIGTERM', keep);
    await flush();
    expect(stop).not.toHaveBeenCalled();
    expect(process.listenerCount('SIGTERM')).toBe(before);
  });
});

describe('a parent gone', () => {
  /** Everything `child` and what inherited its output print, until the last of them has ended. */
  const outputUntilAllEnded = (child: ChildProcess) =>
    new Promise<string>((resolve) => {
      let text = '';
      child.stdout?.on('data', (chunk: Buffer) => {
        text += chunk.toString('utf8');
      });
      child.stdout?.once('close', () => resolve(text));
    });
  const firstLine = (child: ChildProcess, pattern: RegExp) =>
    new Promise<string>((resolve, reject) => {
      let text = '';
      child.stdout?.on('data', (chunk: Buffer) => {
        text += chunk.toString('utf8');
        const line = text.split('\n').find((l) => pattern.test(l));
        if (line !== undefined) resolve(line);
      });
      child.once('exit', () => reject(new Error(`ended before printing ${pattern}: ${text}`)));
    });

  it('stops a command whose parent was killed outright (no channel, no word)', async () => {
    const parent = spawn(
      process.execPath,
      [path.join(CHILDREN, 'spawner.cjs'), '--require', TSX_HOOK, STOP_REQUEST],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    parent.once('error', () => undefined);
    const output = outputUntilAllEnded(parent);
    await firstLine(parent, /^ready /);
    parent.kill('SIGKILL');
    expect(await output).toContain('stop: the command that started it has ended');
  }, 30_000);

  it('stops a command when the channel to its parent closes', async () => {
    const child = spawn(process.execPath, ['--require', TSX_HOOK, STOP_REQUEST], {
      stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
    });
    child.once('error', () => undefined);
    const output = outputUntilAllEnded(child);
    await firstLine(child, /^ready /);
    child.disconnect();
    expect(await output).toContain('stop: the command that started it has ended');
  }, 30_000);

  it('is seen by pid: a pid that no longer runs is gone, this process’s parent is not', () => {
    const ended = spawnSync(process.execPath, ['-e', '']).pid;
    const watched = (pids: number[], npmGone = false) => ({ pids, npmGone });
    expect(ancestorGone(watched([process.ppid]))).toBe(false);
    expect(ancestorGone(watched([process.ppid, ended]))).toBe(true);
    expect(ancestorGone(watched([process.ppid + 1_000_000]))).toBe(true); // not the parent any more
    expect(ancestorGone(watched([process.ppid], true))).toBe(true);
  });
});

describe('the processes above a command started by npm', () => {
  const table: Record<number, { parent: number; args: string }> = {
    [process.ppid]: { parent: 41, args: 'sh -c node --require tsx/cjs shared/workshop/commands/start.ts' },
    41: { parent: 40, args: 'npm start' },
    40: { parent: 1, args: '-bash' },
  };

  it('are the parent and every one above it up to npm', () => {
    expect(watchedAncestors({ npm_lifecycle_event: 'start' }, (pid) => table[pid])).toEqual({
      pids: [process.ppid, 41],
      npmGone: false,
    });
  });

  it('say npm is gone when its shell was adopted before npm could be found', () => {
    const orphaned: typeof table = {
      [process.ppid]: { parent: 1, args: 'sh -c node --require tsx/cjs x.ts' },
    };
    expect(watchedAncestors({ npm_lifecycle_event: 'start' }, (pid) => orphaned[pid])).toEqual({
      pids: [process.ppid],
      npmGone: true,
    });
  });

  it('are the parent alone outside npm, or when npm is not found above it', () => {
    const alone = { pids: [process.ppid], npmGone: false };
    expect(watchedAncestors({}, (pid) => table[pid])).toEqual(alone);
    const noNpm: typeof table = { ...table, 41: { parent: 40, args: 'make start' } };
    expect(watchedAncestors({ npm_lifecycle_event: 'start' }, (pid) => noNpm[pid])).toEqual(alone);
    expect(watchedAncestors({ npm_lifecycle_event: 'start' }, () => undefined)).toEqual(alone);
  });

  it('are read from ps lines, npm known by its launcher or its CLI script', () => {
    expect(parsePsLine('  4242 npm run chapter:5\n')).toEqual({ parent: 4242, args: 'npm run chapter:5' });
    expect(parsePsLine('')).toBeUndefined();
    expect(isNpm('npm start')).toBe(true);
    expect(isNpm('/usr/bin/node /usr/lib/node_modules/npm/bin/npm-cli.js run demo:logs')).toBe(true);
    expect(isNpm('node --require tsx/cjs shared/workshop/commands/start.ts')).toBe(false);
    expect(isNpm('sh -c npx jest')).toBe(false);
  });
});
