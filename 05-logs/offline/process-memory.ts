/**
 * "Max Memory Used" for the offline REPORT lines, from the process that runs the function (found by the
 * port it listens on). Linux only (it reads /proc); elsewhere the REPORT line leaves the figure out.
 * That process is the whole serverless-offline emulator (HTTP server, framework, bundler), far bigger than
 * a Lambda container, so the figure is its growth while serving the function, not its whole size.
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

/** Resident memory of a process now, in MB. */
export function residentMemoryMb(pid: number): number | undefined {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A probe for createLambdaLogShipper's maxMemoryUsedMb: how much the process listening on `port` has grown
 * since the probe's first reading (taken at the first request, before the function is loaded), at its
 * largest reading. That is the memory the function's workers, its code and its requests added: the part of
 * the emulator that stands for the Lambda container. The probe reads whenever it is called.
 */
export function memoryGrowthOfPortOwner(port: number): () => number | undefined {
  let pid: number | undefined;
  let baseline: number | undefined;
  let largest = 0;
  return () => {
    pid ??= findListeningPid(port);
    const now = pid === undefined ? undefined : residentMemoryMb(pid);
    if (now === undefined) {
      pid = undefined;
      return undefined;
    }
    baseline ??= now;
    largest = Math.max(largest, now);
    return Math.max(1, Math.ceil(largest - baseline));
  };
}
