/**
 * npm run demo:logs [-- --once | --scenario NAME]
 * The instructor's demo of chapter 05, offline: starts the local CloudWatch Logs endpoint (unless one is
 * already running), the chapter 03 API under serverless-offline with its logs shipped as Lambda writes
 * them, and the tail; then sends a genuine signature and the article's forgery, `skrttskrtttt`, so the
 * room sees both requests, the 400's "This is not an authentic signature" line and the REPORT lines.
 * Then it keeps tailing (send your own requests) until Ctrl-C; with --once it stops there.
 * --scenario NAME tells a debugging story instead (scenarios.ts): a mistake deployed, its symptom, the
 * filter pattern that finds the cause, the fix, back to normal.
 */
import './require-node';
import { createServer, type Socket } from 'node:net';
import { Writable } from 'node:stream';
import { styleText } from 'node:util';
import { localLogsEndpoint, OFFLINE_CREDENTIALS } from '../../../05-logs/src/client';
import { formatTime } from '../../../05-logs/src/render';
import { tailLogs } from '../../../05-logs/src/tail';
import { checkLogGroupName, port } from '../../src/config';
import { encode, formatBillReference } from '../../src/index';
import { ensureOfflineSecrets, legacyKey } from '../env';
import { freePort, isListening } from '../process/ports';
import { onStopRequest } from '../process/stop';
import { type OfflineApi, startOfflineApi } from '../stand-ins/api/offline-api';
import { createCheckLogShipper } from '../stand-ins/logs/check-log-shipper';
import { type LocalLogs, startLocalLogs } from '../stand-ins/logs/server';
import { type Fail, failWith, parseCommandLine } from './cli';
import { SCENARIO_NAMES, SCENARIOS, type Scenario, type Surroundings } from './demo-scenarios';

const USAGE = `Usage: npm run demo:logs [-- --once | --scenario NAME]
  Starts the local logs endpoint (if none runs on LOGS_PORT), the check API offline and a live tail, then
  sends a genuine signature and the forged "skrttskrtttt".
  --once            stop once both requests' REPORT lines are shown (default: keep tailing until Ctrl-C)
  --scenario NAME   a debugging story instead, then stop: ${SCENARIO_NAMES.join(', ')}`;

const BILL = { email: 'jane.doe@example.com', billNumber: '2019-0042' };
const FORGERY = 'skrttskrtttt';
const WAIT_FOR_LOGS_MS = 20_000;

function say(text = ''): void {
  // In bold on a terminal; styleText leaves it plain when stdout is not one, or NO_COLOR is set.
  process.stdout.write(`${styleText('bold', text)}\n`);
}

const fail: Fail = failWith('demo:logs');

/** API_PORT when it is free, else any free port (e.g. while npm start holds API_PORT). */
async function portOrFree(name: 'API_PORT' | 'LAMBDA_PORT'): Promise<number> {
  const wanted = port(name);
  return (await isListening(wanted)) ? freePort() : wanted;
}

async function main(): Promise<void> {
  const { values } = parseCommandLine('demo:logs', USAGE, {
    options: {
      once: { type: 'boolean', default: false },
      scenario: { type: 'string' },
    },
  });
  const scenario = values.scenario === undefined ? undefined : SCENARIOS[values.scenario];
  if (values.scenario !== undefined && !scenario) {
    process.stderr.write(
      `demo:logs: there is no scenario "${values.scenario}": choose one of ${SCENARIO_NAMES.join(', ')}.\n\n${USAGE}\n`,
    );
    process.exit(2);
  }
  const made = ensureOfflineSecrets();
  if (made) say(made);

  // 1. The local CloudWatch Logs endpoint: the one running already (npm start, npm run logs:local), or ours.
  let ownLogs: LocalLogs | undefined;
  let endpoint = localLogsEndpoint();
  if (await isListening(port('LOGS_PORT'))) {
    say(`1. Local CloudWatch Logs: using the one already running on ${endpoint}.`);
  } else {
    ownLogs = await startLocalLogs();
    endpoint = ownLogs.endpoint;
    say(`1. Local CloudWatch Logs: started on ${endpoint} (data in .local/logs).`);
  }

  // 2. The check API offline, each request's output shipped to /aws/lambda/<function> as Lambda writes it.
  const apiPort = await portOrFree('API_PORT');
  let api: OfflineApi | undefined;
  const shipper = createCheckLogShipper({
    endpoint,
    apiPid: () => api?.pid,
    onError: (error) => process.stderr.write(`demo:logs: could not ship logs (${error.message})\n`),
  });
  await shipper.ensureLogGroup();
  say('2. Starting the check API offline (serverless-offline)...');
  api = await startOfflineApi({
    port: apiPort,
    lambdaPort: await portOrFree('LAMBDA_PORT'),
    onLine: (line) => shipper.onLine(line),
  });
  say(`   POST ${api.checkUrl}`);

  if (scenario) {
    const code = await runScenario(scenario, {
      endpoint,
      apiPort,
      lambdaPort: await portOrFree('LAMBDA_PORT'),
      current: { api, shipper },
    }).catch((error: Error) => {
      process.stderr.write(`demo:logs: ${error.message}\n`);
      return 1;
    });
    await ownLogs?.stop();
    process.exit(code);
  }

  // 3. The tail, live, from now on; it counts the REPORT lines it prints, to know when the demo is shown.
  let reports = 0;
  let sawReason = false;
  const output = new Writable({
    write(chunk: Buffer, _encoding, done) {
      const text = chunk.toString('utf8');
      reports += (text.match(/ REPORT /g) ?? []).length;
      if (text.includes('This is not an authentic signature')) sawReason = true;
      process.stdout.write(chunk, done);
    },
  });
  const controller = new AbortController();
  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    controller.abort();
    await tail.catch(() => undefined);
    await shipper.close();
    await api?.stop();
    await ownLogs?.stop();
    process.exit(code);
  };
  onStopRequest(() => void stop(0));
  say(`3. Tailing ${checkLogGroupName()} live (npm run chapter:5 -- --offline --follow does the same):`);
  const tail = tailLogs({
    logGroup: checkLogGroupName(),
    endpoint,
    credentials: OFFLINE_CREDENTIALS,
    since: Date.now(),
    follow: true,
    output,
    status: process.stderr.isTTY ? process.stderr : undefined,
    notice: (text) => process.stderr.write(`${text}\n`),
    color: Boolean(process.stdout.isTTY) && !process.env.NO_COLOR,
    signal: controller.signal,
  });
  tail.catch((error: Error) => {
    process.stderr.write(`demo:logs: the tail stopped: ${error.message}\n`);
    void stop(1);
  });

  // 4. The two requests of the article: a genuine signature, then the forgery.
  const genuine = encode(legacyKey(), formatBillReference(BILL));
  for (const [label, body] of [
    [`a genuine signature of bill ${BILL.billNumber}`, genuine],
    [`the forged "${FORGERY}"`, FORGERY],
  ] as const) {
    const response = await fetch(api.checkUrl, {
      method: 'POST',
      body,
      headers: { 'content-type': 'text/plain' },
    });
    say(`4. Sent ${label}: HTTP ${response.status} ${await response.text()}`);
  }

  const deadline = Date.now() + WAIT_FOR_LOGS_MS;
  while ((reports < 2 || !sawReason) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  if (reports < 2 || !sawReason) {
    process.stderr.write(
      `demo:logs: the tail did not show both requests within ${WAIT_FOR_LOGS_MS / 1000} s.\n`,
    );
    await stop(1);
  }
  if (values.once) {
    say('Both requests are in the logs: the 400 says why, with its request id. Done.');
    await stop(0);
  }
  say(`Send your own and watch them arrive: curl -X POST ${api.checkUrl} --data-binary '${FORGERY}'`);
  say('Ctrl-C stops the tail, the API and the local endpoint.');
}

interface Deployed {
  api: OfflineApi;
  shipper: ReturnType<typeof createCheckLogShipper>;
}

interface Stage {
  readonly endpoint: string;
  readonly apiPort: number;
  readonly lambdaPort: number;
  current: Deployed;
}

/** "Deploy" a configuration: the API restarted with this environment, its logs shipped afresh. */
async function deploy(stage: Stage, env: NodeJS.ProcessEnv): Promise<void> {
  await stage.current.shipper.settle(5000);
  await stage.current.shipper.close();
  await stage.current.api.stop();
  let api: OfflineApi | undefined;
  const shipper = createCheckLogShipper({
    endpoint: stage.endpoint,
    apiPid: () => api?.pid,
    onError: (error) => process.stderr.write(`demo:logs: could not ship logs (${error.message})\n`),
  });
  api = await startOfflineApi({
    port: stage.apiPort,
    lambdaPort: stage.lambdaPort,
    env,
    onLine: (line) => shipper.onLine(line),
  });
  stage.current = { api, shipper };
}

/** POST a signature as the class would with curl; says what came back and how long it took. */
async function send(stage: Stage, what: string, body: string): Promise<number> {
  const started = performance.now();
  const response = await fetch(stage.current.api.checkUrl, {
    method: 'POST',
    body,
    headers: { 'content-type': 'text/plain' },
  });
  const text = await response.text();
  const ms = Math.round(performance.now() - started);
  say(`   $ curl -X POST ${stage.current.api.checkUrl} --data-binary '${body}'   (${what})`);
  process.stdout.write(`   HTTP ${response.status} in ${ms} ms: ${text}\n`);
  return response.status;
}

/** The logs since `since` matching a filter pattern, as `npm run chapter:5` shows them. */
async function find(stage: Stage, since: number, filterPattern: string): Promise<void> {
  await stage.current.shipper.settle(5000);
  say(
    `   $ npm run chapter:5 -- --offline --since ${formatTime(since, true, true)} --filter-pattern '${filterPattern}'`,
  );
  await tailLogs({
    logGroup: checkLogGroupName(),
    endpoint: stage.endpoint,
    credentials: OFFLINE_CREDENTIALS,
    since,
    filterPattern,
    output: process.stdout,
    color: Boolean(process.stdout.isTTY) && !process.env.NO_COLOR,
  });
}

/** A server that accepts connections and never answers: a dependency the function cannot get through to. */
async function unreachable(): Promise<{ url: string; stop(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port: at } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${at}`,
    stop: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

async function runScenario(scenario: Scenario, stage: Stage): Promise<number> {
  const parameterStore = await unreachable();
  try {
    return await tellScenario(scenario, stage, { unreachableParameterStore: parameterStore.url });
  } finally {
    await parameterStore.stop();
  }
}

async function tellScenario(scenario: Scenario, stage: Stage, around: Surroundings): Promise<number> {
  const good = { ...process.env };
  const genuine = encode(legacyKey(), formatBillReference(BILL));
  const since = Date.now();
  say(`\nScenario: ${scenario.title}`);
  say('a. All is well: a genuine bill is checked.');
  if ((await send(stage, `bill ${BILL.billNumber}`, genuine)) !== 200)
    throw new Error('the API was not well to begin with.');
  if (scenario.warmFirst) await send(stage, `bill ${BILL.billNumber} again: a warm environment`, genuine);
  say(`b. The mistake: ${scenario.mistake}`);
  await deploy(stage, scenario.broken(good, around));
  say(`c. The symptom: ${scenario.symptom}`);
  const symptom = await send(stage, `the same bill ${BILL.billNumber}`, genuine);
  say('d. The logs say why:');
  for (const step of scenario.find) {
    say(`   ${step.say}`);
    await find(stage, since, step.filterPattern);
  }
  say(`e. The fix: ${scenario.fix}`);
  if (scenario.redeployToFix) await deploy(stage, good);
  say('f. Back to normal:');
  const after = await send(stage, `bill ${BILL.billNumber}`, genuine);
  await stage.current.shipper.settle(5000);
  await stage.current.shipper.close();
  await stage.current.api.stop();
  if (after !== 200) {
    process.stderr.write(`demo:logs: after the fix the bill got ${after}, not 200.\n`);
    return 1;
  }
  say(`Done: the symptom was HTTP ${symptom}; the logs showed why, and since when.`);
  return 0;
}

main().catch((error: Error) => fail(error.message));
