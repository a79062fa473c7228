/** Small helpers the benches share: rates, medians, and one line per figure with its goal. */

/** Calls per second of `fn`, measured over about `seconds` after a warm-up. */
export function ratePerSecond(fn: () => unknown, seconds = 1): number {
  const warmUntil = performance.now() + 200;
  while (performance.now() < warmUntil) fn();
  let calls = 0;
  let batch = 1;
  const start = performance.now();
  const end = start + seconds * 1000;
  let now = start;
  while (now < end) {
    for (let i = 0; i < batch; i++) fn();
    calls += batch;
    batch = Math.min(batch * 2, 4096);
    now = performance.now();
  }
  return calls / ((now - start) / 1000);
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}

let failures = 0;
let reported = 0;

/**
 * The bench's last line and exit status, whatever its own code does at the end: they count its misses.
 * A MISS is never followed by "All goals met", and a bench that stops early says so.
 */
function verdictOnExit(): void {
  process.once('exit', (code) => {
    const met = reported - failures;
    let line: string;
    if (code !== 0 && code !== undefined) {
      line = `The bench stopped early (exit ${code}): ${met} of ${reported} goals met before it did${failures ? `, ${failures} missed` : ''}.`;
    } else {
      line = failures ? `${failures} of ${reported} goals missed.` : `All ${reported} goals met.`;
    }
    process.stdout.write(`${line}\n`);
    if (failures && !code) process.exitCode = 1;
  });
}

/** Print a figure next to its goal; the bench exits non-zero if any goal is missed. */
export function report(name: string, figure: string, goal: string, met: boolean): void {
  if (reported === 0) verdictOnExit();
  reported += 1;
  failures += met ? 0 : 1;
  process.stdout.write(`${met ? 'MET ' : 'MISS'}  ${name.padEnd(52)} ${figure.padEnd(34)} goal: ${goal}\n`);
}

export function goalsMissed(): number {
  return failures;
}

export const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits });
