/**
 * `npm run verify -- 5`: chapter 05 checked on this machine: chapter 03's API ships its logs to the local
 * CloudWatch Logs endpoint, and the tail finds the article's line in them.
 */
import { Writable } from 'node:stream';
import { tailLogs } from '../../../05-logs/src/tail';
import { createCheckLogShipper } from '../stand-ins/logs/check-log-shipper';
import type { LambdaLogShipper } from '../stand-ins/logs/lambda-log-shipper';
import { startLocalLogs } from '../stand-ins/logs/server';
import { api, offlineApi, post } from './chapter-3-offline';
import { type Chapter, check, NOT_AUTHENTIC } from './steps';

export const verifyOffline: Chapter = {
  title: 'Chapter 05, the logs (offline: a local CloudWatch Logs endpoint)',
  steps: [
    {
      title: 'the local CloudWatch Logs endpoint starts, and the API ships its logs to it',
      async run(context) {
        const logs = await startLocalLogs({ port: 0, dataDir: null });
        context.defer(() => logs.stop());
        const shipper = createCheckLogShipper({ endpoint: logs.endpoint });
        await shipper.ensureLogGroup();
        context.defer(() => shipper.close());
        await offlineApi(context, (line) => shipper.onLine(line));
        context.state.set('logs', { endpoint: logs.endpoint, shipper });
        return `${logs.endpoint}, log group ${shipper.logGroupName}`;
      },
    },
    {
      title: `a forged signature leaves "${NOT_AUTHENTIC}" in the logs, with its request id`,
      async run(context) {
        const since = Date.now() - 1000;
        const { status } = await post(api(context).checkUrl, 'skrttskrtttt');
        check(status === 400, `the API answered ${status}`, 'see chapter 03');
        const { endpoint, shipper } = context.state.get('logs') as {
          endpoint: string;
          shipper: LambdaLogShipper;
        };
        // serverless-offline prints the request's lines just after the answer: wait for them.
        await shipper.settle();
        let printed = '';
        const output = new Writable({
          write(chunk, _encoding, done) {
            printed += chunk.toString();
            done();
          },
        });
        await tailLogs({
          logGroup: shipper.logGroupName,
          endpoint,
          credentials: { accessKeyId: 'offline', secretAccessKey: 'offline' },
          since,
          follow: false,
          format: 'short',
          output,
          color: false,
        });
        const line = printed.split('\n').find((l) => l.includes(NOT_AUTHENTIC));
        check(
          line,
          `the tail printed no such line:\n${printed.slice(0, 400)}`,
          'the handler logs one JSON line per request: see log.ts in 03-lambda-check/src',
        );
        check(
          /REPORT/.test(printed),
          'no REPORT line for the request',
          'see shared/workshop/stand-ins/logs/lambda-log-shipper.ts',
        );
        return line.trim().slice(0, 100);
      },
    },
  ],
};
