/**
 * npm run bench [-- NAME...]: runs every `*.bench.ts` of shared/workshop/bench,
 * each in its own process (so one's warm-up does not favour another), and prints each figure with its goal.
 */
import './require-node';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { startChild } from '../process/children';

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
async function runBench(file: string): Promise<{ met: number; missed: number; code: number | null }> {
  const child = startChild({ entry: file, cwd: root, stdio: ['inherit', 'pipe', 'inherit'] });
  let met = 0;
  let missed = 0;
  const lines = createInterface({ input: child.process.stdout as NodeJS.ReadableStream });
  lines.on('line', (line) => {
    process.stdout.write(`${line}\n`);
    if (line.startsWith('MET ')) met++;
    if (line.startsWith('MISS')) missed++;
  });
  // Every line read, not only the process ended: its last lines may still be in the pipe at its exit.
  const read = new Promise<void>((resolve) => lines.once('close', () => resolve()));
  const { code, error } = await child.exited;
  if (error) throw error;
  await read;
  return { met, missed, code };
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
