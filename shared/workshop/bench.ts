/**
 * npm run bench [-- NAME...]: runs every `*.bench.ts` under shared/bench and the chapters' bench/ folders,
 * each in its own process (so one's warm-up does not favour another), and prints each figure with its goal.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(__dirname, '../..');
const folders = ['shared', ...readdirSync(root).filter((name) => /^\d\d-/.test(name))].sort();
const benches = folders.flatMap((folder) => {
  const dir = path.join(root, folder, 'bench');
  try {
    return readdirSync(dir)
      .filter((file) => file.endsWith('.bench.ts'))
      .map((file) => path.join(dir, file));
  } catch {
    return [];
  }
});
const wanted = process.argv.slice(2);
const chosen = benches.filter((file) => wanted.length === 0 || wanted.some((w) => file.includes(w)));
if (chosen.length === 0) {
  process.stderr.write(
    `bench: nothing matches ${wanted.join(' ')}; there are: ${benches.map((b) => path.relative(root, b)).join(', ')}\n`,
  );
  process.exit(2);
}
let missed = 0;
for (const file of chosen) {
  process.stdout.write(`\n== ${path.relative(root, file)}\n`);
  const tsx = path.join(root, 'node_modules', '.bin', 'tsx');
  const result = spawnSync(tsx, [file], { stdio: 'inherit', cwd: root });
  if (result.status !== 0) missed++;
}
process.stdout.write(
  `\n${missed === 0 ? 'All goals met.' : `${missed} bench file(s) missed a goal or failed.`}\n`,
);
process.exit(missed ? 1 : 0);
