/**
 * A bench's exit status and last line count its misses, whatever the bench's own code does at its end
 * (issue: a MISS followed by "All goals met." and exit 0).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { TSX_HOOK } from '../process/entries';

const MEASURE = path.resolve(__dirname, '../bench/measure');
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'bench-verdict-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function runBench(body: string): { code: number | null; lines: string[] } {
  const file = path.join(dir, `b${Math.random().toString(36).slice(2)}.ts`);
  writeFileSync(file, `import { report } from ${JSON.stringify(MEASURE)};\n${body}\n`);
  const run = spawnSync(process.execPath, ['--require', TSX_HOOK, file], { encoding: 'utf8' });
  return { code: run.status, lines: run.stdout.trim().split('\n') };
}

it('a missed goal makes the exit status 1 and the last line count it, even after process.exit(0)', () => {
  const { code, lines } = runBench(
    `report('a', '1', '1', true);\nreport('b', '2', '1', false);\nprocess.exit(0);`,
  );
  expect(code).toBe(1);
  expect(lines.at(-1)).toBe('1 of 2 goals missed.');
  expect(lines.join('\n')).not.toMatch(/goals met/);
});

it('all goals met: exit 0 and "All N goals met."', () => {
  const { code, lines } = runBench(`report('a', '1', '1', true);\nreport('b', '1', '1', true);`);
  expect(code).toBe(0);
  expect(lines.at(-1)).toBe('All 2 goals met.');
});

it('a bench that fails after meeting some goals says it stopped early', () => {
  const { code, lines } = runBench(`report('a', '1', '1', true);\nprocess.exitCode = 1;`);
  expect(code).toBe(1);
  expect(lines.at(-1)).toBe('The bench stopped early (exit 1): 1 of 1 goals met before it did.');
});
