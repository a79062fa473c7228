/**
 * "Max Memory Used" for the offline REPORT lines: the peak resident memory (VmHWM) of the process that runs
 * the function, found by the port it listens on. Linux only (it reads /proc); elsewhere it answers undefined
 * and the REPORT line leaves the figure out. Offline, that process is the whole serverless-offline emulator,
 * so the figure is larger than the same function would use on AWS.
 */
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

function listeningInodes(port: number): Set<string> {
  const inodes = new Set<string>();
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string;
    try {
      text = readFileSync(table, 'utf8');
    } catch {
      continue;
    }
    for (const row of text.split('\n').slice(1)) {
      const cols = row.trim().split(/\s+/);
      // local_address is "ADDR:PORT"; state 0A is LISTEN; the inode is the tenth column.
      if (cols[1]?.endsWith(`:${hexPort}`) && cols[3] === '0A' && cols[9]) inodes.add(cols[9]);
    }
  }
  return inodes;
}

/** The process listening on a TCP port of this machine, if /proc tells. */
export function findListeningPid(port: number): number | undefined {
  const inodes = listeningInodes(port);
  if (inodes.size === 0) return undefined;
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return undefined;
  }
  for (const pid of pids) {
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      try {
        const match = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
        if (match && inodes.has(match[1] as string)) return Number(pid);
      } catch {
        // the fd closed meanwhile
      }
    }
  }
  return undefined;
}

/** Peak resident memory of a process, in MB (rounded up, as Lambda reports it). */
export function peakMemoryMb(pid: number): number | undefined {
  try {
    const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Math.ceil(Number(match[1]) / 1024) : undefined;
  } catch {
    return undefined;
  }
}

/** A probe for createLambdaLogShipper: the peak memory of whatever listens on `port` (found once). */
export function peakMemoryOfPortOwner(port: number): () => number | undefined {
  let pid: number | undefined;
  return () => {
    pid ??= findListeningPid(port);
    const figure = pid === undefined ? undefined : peakMemoryMb(pid);
    if (figure === undefined) pid = undefined;
    return figure;
  };
}
