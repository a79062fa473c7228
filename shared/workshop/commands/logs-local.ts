/**
 * npm run logs:local [-- --port N] [--data-dir DIR] [--verbose]
 * Runs the local CloudWatch Logs endpoint on 127.0.0.1 until Ctrl-C. Its data survives restarts.
 */
import './require-node';
import path from 'node:path';
import { port as configuredPort } from '../../src/config';
import { REPO_ROOT } from '../env';
import { onStopRequest } from '../process/stop';
import { defaultLogsDir, startLocalLogs } from '../stand-ins/logs/server';
import { type Fail, failWith, parseCommandLine } from './cli';

const USAGE = `Usage: npm run logs:local [-- --port <port>] [--data-dir <folder>] [--verbose]
  --port      where to listen on 127.0.0.1 (default: LOGS_PORT, ${configuredPort('LOGS_PORT', {})})
  --data-dir  where the logs are kept across restarts (default: LOGS_DIR, else .local/logs)
  --verbose   print one line per request`;

const fail: Fail = failWith('logs:local', USAGE);

async function main(): Promise<void> {
  const { values } = parseCommandLine('logs:local', USAGE, {
    options: {
      port: { type: 'string' },
      'data-dir': { type: 'string' },
      verbose: { type: 'boolean', default: false },
    },
  });
  let port: number;
  try {
    port =
      values.port === undefined
        ? configuredPort('LOGS_PORT')
        : configuredPort('LOGS_PORT', { LOGS_PORT: values.port });
  } catch (error) {
    fail((error as Error).message.replace('LOGS_PORT=', '--port '));
  }
  const dataDir = values['data-dir'] ? path.resolve(values['data-dir']) : defaultLogsDir();
  const logs = await startLocalLogs({
    port,
    dataDir,
    onRequest: values.verbose
      ? (operation, status) => process.stdout.write(`${new Date().toISOString()} ${status} ${operation}\n`)
      : undefined,
  }).catch((error: Error) => {
    process.stderr.write(`logs:local: ${error.message}\n`);
    process.exit(1);
  });
  for (const line of logs.store.recovery) process.stderr.write(`logs:local: on start, ${line}\n`);
  const groups = logs.store.groupCount();
  process.stdout.write(
    `Local CloudWatch Logs listening on ${logs.endpoint} (data in ${path.relative(REPO_ROOT, dataDir) || dataDir}, ${groups} log group${groups === 1 ? '' : 's'})\n` +
      `Point a client at it: AWS_ENDPOINT_URL_CLOUDWATCH_LOGS=${logs.endpoint}  or  aws logs ... --endpoint-url ${logs.endpoint}\n` +
      'Ctrl-C stops it.\n',
  );
  const stop = async () => {
    await logs.stop();
    process.stdout.write('Local CloudWatch Logs stopped.\n');
    process.exit(0);
  };
  // Ctrl-C, SIGTERM, SIGHUP, or the npm that started it gone.
  onStopRequest(stop);
}

void main();
