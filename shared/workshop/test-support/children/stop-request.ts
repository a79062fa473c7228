/** A long-running command in miniature: says why it was asked to stop, then stops (stop.test.ts). */
import { onStopRequest } from '../../process/stop';

onStopRequest(
  (reason) => {
    process.stdout.write(`stop: ${reason}\n`);
    process.exit(0);
  },
  { pollMs: 50 },
);
process.stdout.write(`ready ${process.pid}\n`);
setInterval(() => undefined, 1000);
