/**
 * "Max Memory Used" for the offline REPORT lines, from the process that runs the function: the
 * serverless-offline process the workshop started itself, so its pid is known. Linux only (it reads
 * /proc/<pid>/status); elsewhere the REPORT line leaves the figure out. That process is the whole
 * emulator (HTTP server, framework, bundler), far bigger than a Lambda container, so the figure is its
 * growth while serving the function, not its whole size.
 */
import { readFileSync } from 'node:fs';

function statusFigureMb(pid: number, field: string, platform: NodeJS.Platform): number | undefined {
  if (platform !== 'linux') return undefined;
  try {
    const match = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** Resident memory of a process now, in MB; undefined but on Linux, where /proc tells it. */
export function residentMemoryMb(
  pid: number,
  platform: NodeJS.Platform = process.platform,
): number | undefined {
  return statusFigureMb(pid, 'VmRSS', platform);
}

/** The most resident memory a process has used since it started, in MB (Linux only, as above). */
export function peakResidentMemoryMb(
  pid: number,
  platform: NodeJS.Platform = process.platform,
): number | undefined {
  return statusFigureMb(pid, 'VmHWM', platform);
}

/**
 * A probe for createLambdaLogShipper's maxMemoryUsedMb: how much the process has grown since the probe's
 * first reading (taken at the first request, before the function is loaded), at its largest reading. That
 * is the memory the function's workers, its code and its requests added: the part of the emulator that
 * stands for the Lambda container. `pid` is asked each time: the process may not be started yet.
 */
export function memoryGrowthOf(pid: () => number | undefined): () => number | undefined {
  let baseline: number | undefined;
  let largest = 0;
  return () => {
    const id = pid();
    const now = id === undefined ? undefined : residentMemoryMb(id);
    if (now === undefined) return undefined;
    baseline ??= now;
    largest = Math.max(largest, now);
    return Math.max(1, Math.ceil(largest - baseline));
  };
}
