/** The readable report, from run results as newman's summary gives them (see src/run-collection.ts). */
import { explainRequestError, formatReport, hintsFor } from '../src/report';
import type { CollectionRunResult, RequestResult } from '../src/run-collection';

const URL = 'https://abc123.execute-api.eu-west-3.amazonaws.com/dev/check';

function request(fields: Partial<RequestResult>): RequestResult {
  return {
    folder: '1. The article',
    name: 'Genuine signature',
    iteration: 0,
    method: 'POST',
    url: URL,
    status: 200,
    statusText: 'OK',
    timeMs: 12,
    responseBody: '{}',
    responseHeaders: {},
    assertions: [{ name: 'status is 200 OK', passed: true }],
    scriptErrors: [],
    ...fields,
  };
}

function result(requests: RequestResult[], failures?: number): CollectionRunResult {
  const assertions = requests.flatMap((r) => r.assertions);
  const failed = assertions.filter((a) => !a.passed).length;
  return {
    requests,
    assertions: { total: assertions.length, failed },
    failures: failures ?? failed,
    durationMs: 1234,
    ok: failed === 0,
  };
}

describe('the report', () => {
  it('lists each request under its folder with status and time, and totals the Postman tests', () => {
    const text = formatReport(
      result([
        request({}),
        request({ name: 'skrttskrtttt', status: 400, statusText: 'Bad Request', timeMs: 3 }),
        request({
          folder: '2. Edge cases',
          name: 'Wrong method (GET)',
          method: 'GET',
          status: 405,
          statusText: 'Method Not Allowed',
        }),
      ]),
      { junitLabel: '04-deploy-test/reports/chapter-04.junit.xml' },
    );
    expect(text).toBe(
      [
        '1. The article',
        '  ✓ POST Genuine signature                       200 OK                       12 ms',
        '  ✓ POST skrttskrtttt                            400 Bad Request               3 ms',
        '2. Edge cases',
        '  ✓ GET Wrong method (GET)                       405 Method Not Allowed       12 ms',
        '',
        '3 of 3 Postman tests passed, 3 requests in 1.2 s.',
        'JUnit report: 04-deploy-test/reports/chapter-04.junit.xml',
        '',
      ].join('\n'),
    );
  });

  it('shows each failed test with its message under its request, and passed ones only when verbose', () => {
    const failing = request({
      status: 400,
      statusText: 'Bad Request',
      responseBody: '{"authentic":false,"scheme":"legacy","reason":"not-a-bill"}',
      assertions: [
        { name: 'answers JSON', passed: true },
        { name: 'status is 200 OK', passed: false, message: 'status (body: ...): expected 400 to equal 200' },
      ],
    });
    const text = formatReport(result([failing]));
    expect(text).toContain('  ✗ POST Genuine signature');
    expect(text).toContain(
      '      ✗ status is 200 OK\n          status (body: ...): expected 400 to equal 200\n',
    );
    expect(text).not.toContain('answers JSON');
    expect(text).toContain('FAILED: 1 of 2 Postman tests failed, 1 request in 1.2 s.');
    expect(text).toContain('hint: A genuine signature was refused');
    expect(formatReport(result([failing]), { verbose: true })).toContain('      ✓ answers JSON\n');
  });

  it('says once, with what to do, that nothing answered', () => {
    const refused = { code: 'ECONNREFUSED', message: 'connect ECONNREFUSED 127.0.0.1:3000' };
    const unanswered = [
      request({
        status: undefined,
        statusText: undefined,
        timeMs: undefined,
        assertions: [],
        requestError: refused,
      }),
      request({
        name: 'skrttskrtttt',
        status: undefined,
        assertions: [],
        timeMs: undefined,
        requestError: refused,
      }),
    ];
    const text = formatReport(result(unanswered, 2));
    expect(text).toContain('  ✗ POST Genuine signature                       no answer (ECONNREFUSED)');
    expect(text).toContain(
      'FAILED: 2 request(s) or script(s) failed besides the tests, 2 requests in 1.2 s.',
    );
    expect(text.match(/hint: Nothing answers at/g)).toHaveLength(1);
  });

  it('shows script errors, such as a key missing from the environment', () => {
    const text = formatReport(
      result(
        [
          request({
            scriptErrors: ['Error: signatureKey is not set: put your SIGNATURE_KEY in the environment'],
          }),
        ],
        1,
      ),
    );
    expect(text).toContain('      ✗ script error: Error: signatureKey is not set');
  });

  it('numbers the runs when the collection ran more than once', () => {
    const text = formatReport(result([request({}), request({ iteration: 1 })]));
    expect(text).toContain('  ✓ #1 POST Genuine signature');
    expect(text).toContain('  ✓ #2 POST Genuine signature');
  });
});

describe('the hints', () => {
  const answer = (status: number, responseBody: string) => result([request({ status, responseBody })]);

  it.each([
    [403, '{"message":"Forbidden"}', /requires an API key[\s\S]*--api-key <key>/],
    [403, '{"message":"Missing Authentication Token"}', /no such path or stage/],
    [404, '{"statusCode":404}', /not the check API/],
    [429, '{"message":"Too Many Requests"}', /throttled/],
    [502, '{"message":"Internal server error"}', /npm run chapter:5/],
    [503, '{"error":"not-configured"}', /create the SSM parameters/],
  ])('explain a %i with %s', (status, body, hint) => {
    expect(hintsFor(answer(status, body)).join('\n')).toMatch(hint);
  });

  it("say how to give the API the site's origin when CORS names another", () => {
    const cors = request({
      assertions: [
        {
          name: 'CORS: the answer is for the site only (Access-Control-Allow-Origin is the site, never *)',
          passed: false,
          message:
            "Access-Control-Allow-Origin: expected 'http://localhost:8080' to equal 'https://d1.cloudfront.net'",
        },
      ],
    });
    expect(hintsFor(result([cors])).join('\n')).toMatch(/Deploy chapter 02, then chapter 03 again/);
  });

  it('stay quiet when all went well', () => {
    expect(hintsFor(answer(200, '{"authentic":true}'))).toEqual([]);
  });

  it('explain each kind of network failure', () => {
    expect(explainRequestError({ code: 'ENOTFOUND', message: '' }, URL)).toMatch(/does not resolve/);
    expect(explainRequestError({ code: 'ETIMEDOUT', message: '' }, URL)).toMatch(/did not answer in time/);
    expect(explainRequestError({ code: 'ESOCKETTIMEDOUT', message: '' }, URL)).toMatch(
      /did not answer in time/,
    );
    expect(explainRequestError({ code: 'EPROTO', message: 'bad TLS' }, URL)).toBe(`bad TLS (${URL})`);
  });
});
