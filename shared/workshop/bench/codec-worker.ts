/**
 * The JavaScript side of the codec bench, in a process of its own per input (as a Lambda container's JIT
 * only learns the bill-sized signatures it decodes). Speaks the same line protocol as the
 * Python side: a key line, a JSON line of named inputs, then "<name> <seconds>" per round, answered with
 * "<decodes per second> <sha256 of the last result>".
 */
import { createHash } from 'node:crypto';
import { createInterface } from 'node:readline';
import { decode } from '../../src/index';

const lines = createInterface({ input: process.stdin });
let key: string | undefined;
let inputs: Record<string, string> | undefined;

lines.on('line', (line) => {
  if (key === undefined) {
    key = line;
    return;
  }
  if (inputs === undefined) {
    inputs = JSON.parse(line) as Record<string, string>;
    return;
  }
  const [name, seconds] = line.split(' ');
  const signature = inputs[name as string] as string;
  // Small inputs in batches, so that reading the clock costs nothing next to the work.
  const batch = signature.length < 10_000 ? 64 : 1;
  let n = 0;
  let out = '';
  const start = performance.now();
  const end = start + Number(seconds) * 1000;
  let now = start;
  do {
    for (let i = 0; i < batch; i++) out = decode(key, signature);
    n += batch;
    now = performance.now();
  } while (now < end);
  const digest = createHash('sha256').update(out, 'utf8').digest('hex');
  process.stdout.write(`${n / ((now - start) / 1000)} ${digest}\n`);
});
