/**
 * `npm run verify -- 3`: chapter 03 checked on this machine: the template, then the API on serverless-offline
 * with keys made for this run only (verify never needs, nor prints, the learner's own).
 */
import { config } from '../../src/config';
import { encode, parseKeyring, sign } from '../../src/index';
import { type OfflineApi, startOfflineApi } from '../stand-ins/api/offline-api';
import {
  BILL,
  type Chapter,
  check,
  NOT_AUTHENTIC,
  Problem,
  packaged,
  resourcesOf,
  type StepContext,
} from './steps';

/** Keys made for verify's runs of the API (chapters 04 and 05 post to it too). */
export const KEYS = { SIGNATURE_KEY: 'verify-legacy-password', SIGNING_KEYS: `verify:${'v'.repeat(40)}` };

/** The API on serverless-offline with KEYS, stopped when the chapter is done; `onLine` sees what it prints. */
export async function offlineApi(context: StepContext, onLine?: (line: string) => void): Promise<OfflineApi> {
  try {
    const api = await startOfflineApi({ env: { ...process.env, ...KEYS }, onLine });
    context.defer(() => api.stop());
    context.state.set('api', api);
    return api;
  } catch (error) {
    throw new Problem(
      `The API did not start offline:\n${(error as Error).message.split('\n').slice(-8).join('\n')}`,
      'run npm run chapter:3 -- --offline to see the whole output; a TypeScript error in 03-lambda-check/src shows there',
    );
  }
}

/** The API an earlier step started with offlineApi. */
export function api(context: StepContext): OfflineApi {
  return context.state.get('api') as OfflineApi;
}

export async function post(
  url: string,
  body: string,
): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await fetch(url, { method: 'POST', body, headers: { 'content-type': 'text/plain' } });
  const text = await response.text();
  try {
    return { status: response.status, json: JSON.parse(text) };
  } catch {
    throw new Problem(
      `POST ${url} answered ${response.status} with a body that is not JSON: ${text.slice(0, 120)}`,
      'every answer of the handler is JSON: see respond.ts in 03-lambda-check/src',
    );
  }
}

export const verifyOffline: Chapter = {
  title: 'Chapter 03, the signature-check Lambda (offline: serverless-offline)',
  steps: [
    {
      title: 'serverless.yml packages the runtime, architecture, memory and log retention',
      async run() {
        const template = await packaged('03-lambda-check');
        const fn = resourcesOf(template, 'AWS::Lambda::Function')[0]?.Properties ?? {};
        check(
          fn.Runtime === config.runtime,
          `the runtime is ${String(fn.Runtime)}`,
          `use ${config.runtime} (shared/config.json) in provider.runtime`,
        );
        check(
          (fn.Architectures as string[] | undefined)?.[0] === config.architecture,
          'the architecture is not arm64',
          'set provider.architecture: arm64 (cheaper)',
        );
        check(
          fn.MemorySize === 128,
          `the memory is ${String(fn.MemorySize)} MB`,
          'set provider.memorySize: 128',
        );
        const retentionDays = resourcesOf(template, 'AWS::Logs::LogGroup')[0]?.Properties?.RetentionInDays;
        check(Boolean(retentionDays), 'the logs are kept forever', 'set provider.logRetentionInDays');
        check(
          !JSON.stringify(template).includes(KEYS.SIGNATURE_KEY),
          'the template holds the secret',
          'secrets come from SSM, never from serverless.yml',
        );
        // The note shows each figure the title names, the log retention too.
        return `${fn.Runtime}, ${String((fn.Architectures as string[])[0])}, ${fn.MemorySize} MB, logs kept ${String(retentionDays)} days`;
      },
    },
    {
      title: 'the API starts offline',
      async run(context) {
        return (await offlineApi(context)).checkUrl;
      },
    },
    {
      title: "the article's kind of signature, genuine: 200 with the bill",
      async run(context) {
        const { status, json } = await post(
          api(context).checkUrl,
          encode(KEYS.SIGNATURE_KEY, `${BILL.email}#${BILL.billNumber}`),
        );
        check(
          status === 200 && json.authentic === true,
          `answered ${status}: ${JSON.stringify(json)}`,
          'see check-signature.ts in 03-lambda-check/src',
        );
        return JSON.stringify(json.bill);
      },
    },
    {
      title: 'an HMAC token, genuine: 200 with the bill',
      async run(context) {
        const { status, json } = await post(
          api(context).checkUrl,
          sign(BILL, parseKeyring(KEYS.SIGNING_KEYS)),
        );
        check(
          status === 200 && json.scheme === 'token',
          `answered ${status}: ${JSON.stringify(json)}`,
          'tokens start with "v1.": see check-signature.ts',
        );
        return `scheme ${String(json.scheme)}`;
      },
    },
    {
      title: `"skrttskrtttt": 400 and "${NOT_AUTHENTIC}"`,
      async run(context) {
        const { status, json } = await post(api(context).checkUrl, 'skrttskrtttt');
        check(
          status === 400 && json.message === NOT_AUTHENTIC,
          `answered ${status}: ${JSON.stringify(json)}`,
          'a forged signature gets 400 with that message in the body',
        );
        return `reason ${String(json.reason)}`;
      },
    },
    {
      title: 'GET: 405, only POST checks',
      async run(context) {
        const response = await fetch(api(context).checkUrl);
        check(
          response.status === 405,
          `GET answered ${response.status}`,
          'answer 405 with an Allow header to anything but POST and OPTIONS',
        );
        return `Allow: ${response.headers.get('allow')}`;
      },
    },
  ],
};
