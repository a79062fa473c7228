'use strict';
// A child that stops cleanly on SIGTERM, and tells where its temp folder is (guard.test.ts).
const { mkdirSync, writeFileSync } = require('node:fs');
const { tmpdir } = require('node:os');
const path = require('node:path');

process.on('SIGTERM', () => {
  process.stdout.write('graceful\n');
  process.exit(0);
});
mkdirSync(path.join(tmpdir(), 'scratch'), { recursive: true });
writeFileSync(path.join(tmpdir(), 'scratch', 'file'), 'x');
process.stdout.write(`ready ${tmpdir()}\n`);
setInterval(() => undefined, 1000);
