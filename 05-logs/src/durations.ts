/** The time arguments of the tail: durations such as 90s, 10m, 2h, 1d, and points in time. */

const UNITS: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

/** `10m` -> 600000. Throws a RangeError that says what is accepted. */
export function parseDuration(text: string, what = 'duration'): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h|d|w)$/.exec(text.trim());
  if (!match) {
    throw new RangeError(
      `${what} "${text}" is not a duration: use a number and a unit (ms, s, m, h, d, w), e.g. 30s or 10m.`,
    );
  }
  return Math.round(Number(match[1]) * (UNITS[match[2] as string] as number));
}

/**
 * The start of the history to show: a duration back from now (`10m`), an ISO date or time
 * (`2026-11-25T10:00:00Z`, `2026-11-25`), or epoch milliseconds.
 */
export function parseSince(text: string, now = Date.now()): number {
  const trimmed = text.trim();
  if (/^\d+(?:\.\d+)?(ms|s|m|h|d|w)$/.test(trimmed)) return now - parseDuration(trimmed, '--since');
  if (/^\d{12,14}$/.test(trimmed)) return Number(trimmed);
  if (/^\d{4}-\d\d-\d\d/.test(trimmed)) {
    const time = Date.parse(trimmed);
    if (Number.isFinite(time)) return time;
  }
  throw new RangeError(
    `--since "${text}" is not understood: use a duration back from now (30s, 10m, 2h, 1d) or a time (2026-11-25T10:00:00Z).`,
  );
}
