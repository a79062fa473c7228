/**
 * What the collection costs to run, against the offline API started here: newman (12 requests, their
 * pre-request signing and every Postman test) against the same 12 requests sent bare with fetch, in the
 * same run. Goal: newman adds at most 80 ms per request over the bare requests (Postman's sandbox runs
 * three scripts per request), so the 12-request check costs CI under a second more than the requests do.
 */

import { runCollection } from '../../../04-deploy-test/src/run-collection';
import { encode, parseKeyring, sign } from '../../src/index';
import { startOfflineApi } from '../stand-ins/api/offline-api';
import { fmt, goalsMissed, median, report } from './measure';

const SIGNATURE_KEY = 'bench-password';
const SIGNING_KEYS = `bench:${'b'.repeat(40)}`;
const SITE = 'http://localhost:8080';
const RUNS = 7;

async function main(): Promise<void> {
  const api = await startOfflineApi({ env: { SIGNATURE_KEY, SIGNING_KEYS, SITE_ORIGIN: SITE } });
  try {
    const jane = { email: 'jane.doe@example.com', billNumber: '2019-0042' };
    const legacy = encode(SIGNATURE_KEY, 'jane.doe@example.com#2019-0042');
    const token = sign(jane, parseKeyring(SIGNING_KEYS));
    const text = { 'content-type': 'text/plain', origin: SITE };
    // The collection's requests, bare: same methods, headers and bodies, no scripts, no tests.
    const bare: [string, RequestInit][] = [
      ['POST', { body: legacy, headers: text }],
      ['POST', { body: 'skrttskrtttt', headers: text }],
      ['POST', { body: '', headers: text }],
      ['POST', { body: legacy, headers: { ...text, 'content-type': 'application/octet-stream' } }],
      [
        'POST',
        {
          body: JSON.stringify({ signature: legacy }),
          headers: { ...text, 'content-type': 'application/json' },
        },
      ],
      ['POST', { body: encode(SIGNATURE_KEY, '5 euros for nothing'), headers: text }],
      ['POST', { body: token, headers: text }],
      ['POST', { body: `${token.slice(0, -2)}AA`, headers: text }],
      ['POST', { body: token, headers: text }],
      ['GET', { headers: { origin: SITE } }],
      ['OPTIONS', { headers: { origin: SITE, 'access-control-request-method': 'POST' } }],
      ['POST', { body: 'A'.repeat(4097), headers: text }],
    ];
    const sendBare = async () => {
      const start = performance.now();
      for (const [method, init] of bare) await (await fetch(api.checkUrl, { method, ...init })).arrayBuffer();
      return performance.now() - start;
    };
    const values = {
      checkUrl: api.checkUrl,
      siteOrigin: SITE,
      signatureKey: SIGNATURE_KEY,
      signingKeys: SIGNING_KEYS,
    };
    const sendNewman = async () => {
      const start = performance.now();
      const result = await runCollection({ target: 'local', values });
      if (!result.ok)
        throw new Error('the collection failed against the offline API: run npx jest 04-deploy-test');
      return {
        ms: performance.now() - start,
        requests: result.requests.length,
        tests: result.assertions.total,
      };
    };
    await sendBare();
    const warm = await sendNewman();
    const bareTimes: number[] = [];
    const newmanTimes: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      bareTimes.push(await sendBare());
      newmanTimes.push((await sendNewman()).ms);
    }
    const bareMs = median(bareTimes);
    const newmanMs = median(newmanTimes);
    const perRequest = (newmanMs - bareMs) / warm.requests;
    process.stdout.write(
      `collection: ${warm.requests} requests, ${warm.tests} Postman tests; median of ${RUNS} runs: bare fetch ${fmt(bareMs)} ms, newman ${fmt(newmanMs)} ms\n`,
    );
    report(
      'newman overhead per request (vs bare fetch)',
      `${fmt(perRequest, 1)} ms = ${fmt(newmanMs / bareMs, 1)}x the bare run`,
      '<= 80 ms per request',
      perRequest <= 80,
    );
  } finally {
    await api.stop();
  }
}

main().then(
  () => {
    process.exitCode = goalsMissed() ? 1 : 0;
  },
  (error: unknown) => {
    process.stderr.write(`${(error as Error).stack}\n`);
    process.exitCode = 1;
  },
);
