/**
 * npm run demo:logs [-- --once]
 * The instructor's demo of chapter 05, offline: starts the local CloudWatch Logs endpoint (unless one is
 * already running), the chapter 03 API under serverless-offline with its logs shipped as Lambda writes
 * them, and the tail; then sends a genuine signature and the article's forgery, `skrttskrtttt`, so the
 * room sees both requests, the 400's "This is not an authentic signature" line and the REPORT lines.
 * Then it keeps tailing (send your own requests) until Ctrl-C; with --once it stops there.
 */
import { Writable } from 'node:stream';
import { styleText } from 'node:util';
import { type OfflineApi, startOfflineApi } from '../../03-lambda-check/offline/api';
import { type Fail, failWith, parseCommandLine } from '../../shared/src/cli';
import { checkLogGroupName, port } from '../../shared/src/config';
import { ensureOfflineSecrets, legacyKey } from '../../shared/src/env';
import { encode, formatBillReference } from '../../shared/src/index';
import { freePort, isListening } from '../../shared/src/process';
import { createCheckLogShipper } from '../offline/check-log-shipper';
import { type LocalLogs, startLocalLogs } from '../offline/server';
import { localLogsEndpoint, OFFLINE_CREDENTIALS } from '../src/client';
import { tailLogs } from '../src/tail';
import { onStopRequest } from './stop-signals';

const USAGE = `Usage: npm run demo:logs [-- --once]
  Starts the local logs endpoint (if none runs on LOGS_PORT), the check API offline and a live tail, then
  sends a genuine signature and the forged "skrttskrtttt".
  --once   stop once both requests' REPORT lines are shown (default: keep tailing until Ctrl-C)`;

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
    },
  });
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

main().catch((error: Error) => fail(error.message));
