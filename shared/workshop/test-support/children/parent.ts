/**
 * A parent in miniature: starts `<entry>` through startChild, its output passed through, with `<folder>`
 * to remove once it ends; prints the child's pid and temp folder, then waits to be killed (guard.test.ts).
 */
import { startChild } from '../../process/children';

const [entry, folder] = process.argv.slice(2) as [string, string];
const child = startChild({ entry, cleanup: [folder], stdio: ['ignore', 'inherit', 'inherit'] });
process.stdout.write(`child ${child.process.pid} ${child.tempDir}\n`);
setInterval(() => undefined, 1000);
