/**
 * "What you should see" against what was printed. Both sides go through the same placeholders, for what
 * legitimately differs from one run to the next (keys and signatures, ids, times, durations, sizes), and a
 * README line `...` stands for any number of lines. Anything else must be the same, line for line.
 */

/** Each placeholder, in the order applied: [what it stands for, pattern, replacement]. */
const PLACEHOLDERS: ReadonlyArray<readonly [string, RegExp, string]> = [
  ['a request id (UUID)', /\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/g, '<uuid>'],
  ['a log stream name', /\d{4}\/\d\d\/\d\d\/\[\$LATEST\][0-9a-f]{32}/g, '<stream>'],
  ['an HMAC token', /\bv1\.[\w-]{1,32}\.[\w-]+\.[\w-]{43}\b/g, '<token>'],
  [
    'a time',
    /\b\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)?|\b(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d\d (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d\d:\d\d:\d\d GMT|\b(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) +\d\d? +\d\d:\d\d\b|\b\d\d:\d\d:\d\d(?:\.\d+)?\b/g,
    '<time>',
  ],
  // The tail's short request id, right after its time.
  ['a short request id', /(<time> )[0-9a-f]{8}\b/g, '$1<id>'],
  ['an MD5 / ETag', /\b[0-9a-f]{32}\b/g, '<md5>'],
  ['a fingerprint', /\.[A-Z0-9]{8}\.(js|css|svg|png|woff2)\b/g, '.<fp>.$1'],
  ['a process id', /\(node:\d+\)/g, '(node:<pid>)'],
  ['memory used', /\b\d+\/\d+ MB\b/g, '<mb>/<mb> MB'],
  // A signature or key: base64(url) of 20+ characters that mixes upper case, lower case and digits.
  ['a signature or key', /(?<![\w/.-])(?=[\w-]*[A-Z])(?=[\w-]*[a-z])(?=[\w-]*\d)[\w-]{20,}={0,2}/g, '<b64>'],
  ['a size', /\b\d+(?:,\d{3})*(?:\.\d+)? ?(?:B|KB|kB|MB|GB|bytes)\b/g, '<size>'],
  ['a duration', /\b\d+(?:,\d{3})*(?:\.\d+)? ?(?:ms|s)\b/g, '<dur>'],
  ['a duration in a log line', /(durationMs(?:": ?|=))\d+(?:\.\d+)?/g, '$1<n>'],
  ['a Content-Length', /^(content-length: )\d+$/gim, '$1<n>'],
  ['an ls -l line', /^[-dl][rwxsStT-]{9}\.?\s+\d+\s+\S+\s+\S+\s+\d+\s+<time>\s+/gm, '<ls -l> '],
  ['an ls -l total', /^total \d+$/gm, 'total <n>'],
];

// biome-ignore lint/suspicious/noControlCharactersInRegex: colour codes are what this removes
const ANSI = /\u001b\[[0-9;?]*[ -/]*[@-~]/g;

export const PLACEHOLDER_HELP = PLACEHOLDERS.map(([what, , as]) => `${as.replace('$1', '')} ${what}`).join(
  ', ',
);

/** The lines of a text, placeholders in, trailing spaces and surrounding blank lines out. */
export function normalize(text: string): string[] {
  let out = text.replace(ANSI, '').replace(/\r/g, '');
  for (const [, pattern, replacement] of PLACEHOLDERS) out = out.replace(pattern, replacement);
  // Columns padded to the width of a value that varies: any run of spaces inside a line counts as two.
  const lines = out.split('\n').map((line) => line.trimEnd().replace(/(?<=\S) {2,}/g, '  '));
  while (lines.length && lines[0] === '') lines.shift();
  while (lines.length && lines.at(-1) === '') lines.pop();
  return lines;
}

/**
 * whole: the README block is all that was printed; start / end: how the output starts / ends; part: a run
 * of lines somewhere in it; unordered: every README line was printed, in any order and among others (for
 * processes that write to one terminal at once, whose lines interleave differently from run to run).
 */
export type MatchMode = 'whole' | 'start' | 'end' | 'part' | 'unordered';
const ELLIPSIS = '...';

/** Whether the printed lines match the README's, `...` lines being any number of lines. */
export function linesMatch(expected: readonly string[], actual: readonly string[], mode: MatchMode): boolean {
  if (mode === 'unordered') return unorderedDiff(expected, actual).length === 0;
  const pattern = [...expected];
  if (mode === 'end' || mode === 'part') pattern.unshift(ELLIPSIS);
  if (mode === 'start' || mode === 'part') pattern.push(ELLIPSIS);
  // can[i][j]: pattern[i..] matches actual[j..]
  const n = pattern.length;
  const m = actual.length;
  let next = new Array<boolean>(m + 1).fill(false);
  next[m] = true;
  for (let i = n - 1; i >= 0; i--) {
    const current = new Array<boolean>(m + 1).fill(false);
    const wildcard = (pattern[i] as string).trim() === ELLIPSIS;
    for (let j = m; j >= 0; j--) {
      if (wildcard) current[j] = (next[j] as boolean) || (j < m && (current[j + 1] as boolean));
      else current[j] = j < m && pattern[i] === actual[j] && (next[j + 1] as boolean);
    }
    next = current;
  }
  return next[0] as boolean;
}

/**
 * The README's lines against the printed ones, aligned with the fewest differences: "  " the same,
 * "- " only in the README, "+ " only printed, and "  ... (N lines)" what a README `...` stands for.
 */
export function lineDiff(
  expected: readonly string[],
  actual: readonly string[],
  mode: MatchMode = 'whole',
): string[] {
  if (mode === 'unordered') return unorderedDiff(expected, actual);
  const pattern = [...expected];
  if (mode === 'end' || mode === 'part') pattern.unshift(ELLIPSIS);
  if (mode === 'start' || mode === 'part') pattern.push(ELLIPSIS);
  const n = pattern.length;
  const m = actual.length;
  const wild = pattern.map((line) => line.trim() === ELLIPSIS);
  // cost[i][j]: fewest differences between pattern[i..] and actual[j..]
  const cost: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  const at = (i: number, j: number) => (cost[i] as number[])[j] as number;
  for (let j = m - 1; j >= 0; j--) (cost[n] as number[])[j] = m - j;
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m; j >= 0; j--) {
      let best = at(i + 1, j) + (wild[i] ? 0 : 1);
      if (j < m) {
        best = Math.min(best, at(i, j + 1) + (wild[i] ? 0 : 1));
        if (!wild[i] && pattern[i] === actual[j]) best = Math.min(best, at(i + 1, j + 1));
      }
      (cost[i] as number[])[j] = best;
    }
  }
  const out: string[] = [];
  let absorbed = 0;
  const flush = () => {
    if (absorbed) out.push(`  ... (${absorbed} line${absorbed === 1 ? '' : 's'})`);
    absorbed = 0;
  };
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && wild[i]) {
      if (j < m && at(i, j) === at(i, j + 1)) {
        absorbed++;
        j++;
      } else {
        flush();
        i++;
      }
    } else if (i < n && j < m && pattern[i] === actual[j] && at(i, j) === at(i + 1, j + 1)) {
      out.push(`  ${pattern[i++]}`);
      j++;
    } else if (i < n && at(i, j) === at(i + 1, j) + 1) {
      out.push(`- ${pattern[i++]}`);
    } else {
      out.push(`+ ${actual[j++]}`);
    }
  }
  flush();
  return out;
}

/** For match=unordered: the README lines that were not printed. */
function unorderedDiff(expected: readonly string[], actual: readonly string[]): string[] {
  const left = [...actual];
  const missing: string[] = [];
  for (const line of expected) {
    if (line.trim() === ELLIPSIS) continue;
    const at = left.indexOf(line);
    if (at < 0) missing.push(`- ${line}`);
    else left.splice(at, 1);
  }
  return missing;
}
