'use strict';
// A parent that starts node on argv[2..] with its own output, and no channel: it dies without a word (stop.test.ts).
const { spawn } = require('node:child_process');

const child = spawn(process.execPath, process.argv.slice(2), { stdio: ['ignore', 'inherit', 'inherit'] });
child.once('error', (error) => {
  process.stderr.write(`${error.message}\n`);
  process.exit(1);
});
setInterval(() => undefined, 1000);
