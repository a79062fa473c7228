'use strict';
// A child with no SIGTERM handler of its own, kept alive by a timer (guard.test.ts).
process.stdout.write('ready\n');
setInterval(() => undefined, 1000);
