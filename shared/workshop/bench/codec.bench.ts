/**
 * decode() is the Lambda's hot path: measured against the Python reference in the same run.
 * Goals: a bill-sized signature at >= 10x the reference's rate, with identical results. (The function refuses
 * bodies over 4,096 characters with 413 before decoding: larger signatures have no speed goal.)
 *
 * The machine's load changes while a bench runs, so the two are measured in alternating rounds (one side
 * waits on its stdin while the other runs) and each side keeps its best round. Each input is decoded by a
 * JavaScript process of its own (codec-worker.ts), as in a Lambda container.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { build } from 'esbuild';
import { ESBUILD_TARGET } from '../../src/config';
import { encode } from '../../src/index';
import { howToInstall, REQUIREMENTS } from '../system-requirements';
import { findPython } from '../tools';
import { fmt, goalsMissed, report } from './measure';

const KEY = 'S3cr3t-P4ssw0rd!';
const ROUNDS = 11;
const ROUND_SECONDS = 0.3;
const BILL = encode(KEY, 'jane.doe@example.com#2019-0042');
const INPUTS = { bill: BILL } as const;
type Input = keyof typeof INPUTS;

// Answers "<input> <seconds>" with "<decodes per second> <sha256 of the last result>".
const reference = path.resolve(__dirname, '../../reference');
const PYTHON = `
import hashlib, json, sys, time
sys.path.insert(0, ${JSON.stringify(reference)})
from encode_decode import decode
key, inputs = sys.stdin.readline().rstrip("\\n"), json.loads(sys.stdin.readline())
for line in sys.stdin:
    name, seconds = line.split()
    signature, n, start = inputs[name], 0, time.perf_counter()
    while n == 0 or time.perf_counter() - start < float(seconds):
        out = decode(key, signature); n += 1
    rate = n / (time.perf_counter() - start)
    print(rate, hashlib.sha256(out.encode("utf-8", "surrogatepass")).hexdigest(), flush=True)
`;

/** A process that answers rounds: Python's reference, or a JavaScript worker. */
function rounds(command: string, args: readonly string[]) {
  const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'inherit'] });
  const answers = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  child.stdin.write(`${KEY}\n${JSON.stringify(INPUTS)}\n`);
  return {
    async ask(name: Input): Promise<{ rate: number; digest: string }> {
      child.stdin.write(`${name} ${ROUND_SECONDS}\n`);
      const [rate, digest] = ((await answers.next()).value as string).split(' ');
      return { rate: Number(rate), digest: digest as string };
    },
    end: () => child.stdin.end(),
  };
}

async function main(): Promise<void> {
  const names = Object.keys(INPUTS) as Input[];
  const found = findPython();
  if (!found) {
    throw new Error(
      `codec bench: it measures against the Python reference and no Python 3 was found: ${howToInstall(REQUIREMENTS.python3)}.`,
    );
  }
  const python = rounds(found.command, [...found.args, '-c', PYTHON]);
  // Bundled by esbuild and run by plain node, as the Lambda runs the codec.
  const bundleDir = mkdtempSync(path.join(tmpdir(), 'codec-bench-'));
  const worker = path.join(bundleDir, 'codec-worker.js');
  await build({
    entryPoints: [path.join(__dirname, 'codec-worker.ts')],
    bundle: true,
    platform: 'node',
    target: ESBUILD_TARGET,
    minify: true,
    outfile: worker,
    logLevel: 'error',
  });
  const workers = Object.fromEntries(
    names.map((name) => [name, rounds(process.execPath, [worker])]),
  ) as Record<Input, ReturnType<typeof rounds>>;

  const best = { py: {} as Record<Input, number>, js: {} as Record<Input, number> };
  let identical = true;
  for (let round = 0; round < ROUNDS; round++) {
    for (const name of names) {
      const py = await python.ask(name);
      const js = await workers[name].ask(name);
      best.py[name] = Math.max(best.py[name] ?? 0, py.rate);
      best.js[name] = Math.max(best.js[name] ?? 0, js.rate);
      identical &&= py.digest === js.digest;
    }
  }
  python.end();
  for (const name of names) workers[name].end();
  rmSync(bundleDir, { recursive: true, force: true });

  const ratio = (name: Input) => best.js[name] / best.py[name];
  process.stdout.write(
    `codec: best of ${ROUNDS} alternating rounds of ${ROUND_SECONDS} s; Python reference ${fmt(best.py.bill)} bill decodes/s\n`,
  );
  report(
    'decode, bill-sized signature (vs Python)',
    `${fmt(best.js.bill)}/s = ${fmt(ratio('bill'), 1)}x`,
    '>= 10x',
    ratio('bill') >= 10,
  );
  report('decode results identical to Python', identical ? 'identical' : 'DIFFERENT', 'identical', identical);
  process.exitCode = goalsMissed() ? 1 : 0;
}

main().catch((error: Error) => {
  process.stderr.write(`${error.message}\n`);
  process.exitCode = 1;
});
