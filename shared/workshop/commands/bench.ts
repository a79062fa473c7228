/**
 * npm run bench [-- NAME...]: runs every `*.bench.ts` of shared/workshop/bench,
 * each in its own process (so one's warm-up does not favour another), and prints each figure with its goal.
 */
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';

const root = path.resolve(__dirname, '../../..');
const benchDir = path.join(root, 'shared', 'workshop', 'bench');
const benches = readdirSync(benchDir)
  .filter((file) => file.endsWith('.bench.ts'))
  .sort()
  .map((file) => path.join(benchDir, file));
const wanted = process.argv.slice(2);
const chosen = benches.filter((file) => wanted.length === 0 || wanted.some((w) => file.includes(w)));
if (chosen.length === 0) {
  process.stderr.write(
    `bench: nothing matches ${wanted.join(' ')}; there are: ${benches.map((b) => path.relative(root, b)).join(', ')}\n`,
  );
  process.exit(2);
}
/** Run one bench file, its output passed through; counts the goals it met and missed. */
function runBench(file: string): Promise<{ met: number; missed: number; code: number | null }> {
  return new Promise((resolve, reject) => {
    const tsx = path.join(root, 'node_modules', '.bin', 'tsx');
    const child = spawn(tsx, [file], { stdio: ['inherit', 'pipe', 'inherit'], cwd: root });
    let met = 0;
    let missed = 0;
    createInterface({ input: child.stdout }).on('line', (line) => {
      process.stdout.write(`${line}\n`);
      if (line.startsWith('MET ')) met++;
      if (line.startsWith('MISS')) missed++;
    });
    child.once('error', reject);
    child.once('close', (code) => resolve({ met, missed, code }));
  });
}

async function main(): Promise<void> {
  let met = 0;
  let missed = 0;
  const failed: string[] = [];
  for (const file of chosen) {
    process.stdout.write(`\n== ${path.relative(root, file)}\n`);
    const result = await runBench(file);
    met += result.met;
    missed += result.missed;
    // A bench that exits non-zero without a MISS stopped before its end.
    if (result.code !== 0 && result.missed === 0) failed.push(path.relative(root, file));
  }
  const total = met + missed;
  const parts = [
    missed ? `${missed} of ${total} goals missed` : `${total} of ${total} goals met`,
    ...(failed.length ? [`${failed.length} bench(es) stopped early: ${failed.join(', ')}`] : []),
  ];
  process.stdout.write(`\n${missed || failed.length ? `${parts.join('; ')}.` : `All ${total} goals met.`}\n`);
  process.exit(missed || failed.length ? 1 : 0);
}

void main();
