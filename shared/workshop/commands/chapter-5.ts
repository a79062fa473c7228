/**
 * npm run chapter:5 -- [--follow] [--since 10m] [--filter-pattern P] [--format short|detailed|json] ...
 * Tails the check function's CloudWatch log group (or --log-group NAME), on AWS or with --offline on the
 * local endpoint. See 05-logs/README.md.
 */

import './require-node';
import { createLogsClient, localLogsEndpoint, OFFLINE_CREDENTIALS } from '../../../05-logs/src/client';
import { parseDuration, parseSince } from '../../../05-logs/src/durations';
import { FORMATS, type Format, formatTime } from '../../../05-logs/src/render';
import { TailError, tailLogs } from '../../../05-logs/src/tail';
import { endpointFor, explainAwsError } from '../../src/aws';
import { checkLogGroupName, port, region } from '../../src/config';
import { isListening } from '../process/ports';
import { onStopRequest } from '../process/stop';
import { type Fail, failWith, parseCommandLine } from './cli';

const USAGE = `Usage: npm run chapter:5 -- [options]
Prints the check function's recent logs (the last 10 minutes), or with --follow keeps printing them live.
  --log-group NAME         tail this log group (default: ${checkLogGroupName({})})
  --since WHEN             start of the history: 30s, 10m, 2h, 1d or a time such as 2026-11-25T10:00:00Z (default: 10m)
  --follow, -f             keep printing new events until Ctrl-C
  --filter-pattern P       only events matching a CloudWatch filter pattern, e.g. "not authentic" or '{ $.outcome = "rejected" }'
  --format F               short (default), detailed or json
  --utc                    times in UTC (default: local time, with milliseconds)
  --exit-after-idle D      with --follow: stop once nothing new came for D (e.g. 30s)
  --poll                   poll FilterLogEvents even where Live Tail is available
  --offline                tail the local endpoint (npm run logs:local, port LOGS_PORT); no AWS credentials needed
Colours only on a terminal, never with NO_COLOR set. AWS endpoint settings (AWS_ENDPOINT_URL_CLOUDWATCH_LOGS) are honoured.`;

const countOf = (n: number) => `${n} log event${n === 1 ? '' : 's'}`;

const fail: Fail = failWith('chapter:5', USAGE);

function problem(message: string): never {
  process.stderr.write(`chapter:5: ${message}\n`);
  process.exit(1);
}

async function main(): Promise<void> {
  const { values } = parseCommandLine('chapter:5', USAGE, {
    options: {
      'log-group': { type: 'string' },
      since: { type: 'string' },
      follow: { type: 'boolean', short: 'f', default: false },
      'filter-pattern': { type: 'string' },
      format: { type: 'string', default: 'short' },
      utc: { type: 'boolean', default: false },
      'exit-after-idle': { type: 'string' },
      poll: { type: 'boolean', default: false },
      offline: { type: 'boolean', default: false },
    },
  });
  const format = values.format as Format;
  if (!FORMATS.includes(format)) fail(`--format "${values.format}" is not one of ${FORMATS.join(', ')}.`);
  let since: number;
  let exitAfterIdleMs: number | undefined;
  try {
    since = parseSince(values.since ?? '10m');
    if (values['exit-after-idle'] !== undefined) {
      if (!values.follow) fail('--exit-after-idle only makes sense with --follow.');
      exitAfterIdleMs = parseDuration(values['exit-after-idle'], '--exit-after-idle');
    }
  } catch (error) {
    fail((error as Error).message);
  }
  const logGroup = values['log-group'] ?? checkLogGroupName();
  if (values['log-group'] === '') fail('--log-group needs a name, e.g. /aws/lambda/my-function.');

  let endpoint: string | undefined;
  if (values.offline) {
    endpoint = localLogsEndpoint();
    if (!(await isListening(port('LOGS_PORT')))) {
      problem(
        `nothing answers on ${endpoint} (LOGS_PORT). Start the local CloudWatch Logs endpoint first: npm run logs:local (or npm start), then run this again.`,
      );
    }
  }
  const where = values.offline
    ? `the local endpoint ${endpoint}`
    : endpointFor('CLOUDWATCH_LOGS')
      ? `the endpoint ${endpointFor('CLOUDWATCH_LOGS')}`
      : `AWS (${region()})`;

  const color = Boolean(process.stdout.isTTY) && !process.env.NO_COLOR;
  const controller = new AbortController();
  onStopRequest(() => controller.abort());
  // A closed stderr (the terminal gone) must not crash the tail: it has nowhere to say anything.
  process.stderr.on('error', () => controller.abort());
  const notice = (text: string) => {
    if (process.stderr.writable) process.stderr.write(`${text}\n`);
  };
  if (!values.offline) {
    // Credentials first, resolved on this machine: no "Tailing ... on AWS" line before a missing one.
    const client = createLogsClient();
    try {
      await client.config.credentials();
    } catch (error) {
      problem(explainAwsError(error));
    } finally {
      client.destroy();
    }
  }
  if (values.follow) {
    notice(
      `Tailing ${logGroup} on ${where}, from ${formatTime(since, values.utc ?? false, true)}${values.utc ? '' : ' (local time)'}. Ctrl-C stops.`,
    );
  }
  try {
    const result = await tailLogs({
      logGroup,
      endpoint,
      ...(values.offline ? { credentials: OFFLINE_CREDENTIALS } : {}),
      since,
      follow: values.follow,
      format,
      filterPattern: values['filter-pattern'],
      exitAfterIdleMs,
      output: process.stdout,
      status: values.follow && process.stderr.isTTY && format !== 'json' ? process.stderr : undefined,
      notice,
      color,
      utc: values.utc,
      signal: controller.signal,
      mode: values.poll ? 'poll' : 'auto',
    });
    // The output went away (`| head`, a closed pipe): nothing more to say to anyone.
    if (result.reason === 'closed') process.exit(0);
    if (!values.follow) {
      const what = result.stats.printed === 0 ? 'No log events' : countOf(result.stats.printed);
      notice(
        `${what} in ${logGroup} since ${formatTime(since, values.utc ?? false, true)}. Add --follow to keep watching.`,
      );
    } else if (result.reason === 'idle') {
      notice(`Nothing new for ${values['exit-after-idle']}: stopped after ${countOf(result.stats.printed)}.`);
    }
  } catch (error) {
    if (error instanceof TailError && error.code === 'NO_GROUP') {
      problem(
        `the log group ${logGroup} does not exist on ${where}.\n` +
          "Lambda creates a function's log group at its first invocation: call the function once, then run this again.\n" +
          (values.offline
            ? 'Offline, the check function ships its logs while the local endpoint runs: npm run chapter:3 -- --offline (or npm run demo:logs).'
            : 'List the groups you have: aws logs describe-log-groups --log-group-name-prefix /aws/lambda/'),
      );
    }
    problem(error instanceof Error ? error.message : String(error));
  }
  process.exit(0);
}

void main();
