/**
 * Chapter 01's exercises: each check fails on known wrong answers, with the message that helps, and passes
 * correct answers written otherwise than the reference.
 */
import { describeExercise } from '../../shared/workshop/test-support/exercises';
import { exercises } from '../exercises/checks';

describeExercise(
  exercises,
  '1.1',
  [
    {
      name: 'sends JSON (which needs a CORS preflight)',
      edits: [["'Content-Type': 'text/plain;charset=UTF-8'", "'Content-Type': 'application/json'"]],
      says: /Content-Type is application\/json.*preflight/,
    },
    {
      name: 'sends {"signature": ...} instead of the signature alone',
      edits: [['body: signature,', 'body: JSON.stringify({ signature }),']],
      says: /The request body/,
    },
    {
      name: 'throws on a 400 instead of returning it',
      edits: [
        [
          'return { status: response.status',
          "if (!response.ok) throw new Error('HTTP ' + response.status);\n  return { status: response.status",
        ],
      ],
      says: /answer 400.*threw: HTTP 400/,
    },
    {
      name: 'returns the parsed JSON as the body',
      edits: [['body: await response.text()', 'body: await response.json()']],
      says: /What postSignature returned for a 200: body: expected a string "\{.*got an object \{/,
    },
    {
      name: 'parses the JSON and writes it out again (breaks on an answer that is not JSON)',
      edits: [['body: await response.text()', 'body: JSON.stringify(await response.json())']],
      says: /502 whose body is an HTML page.*threw: .*JSON/,
    },
    {
      name: 'throws on a 5xx',
      edits: [
        [
          'return { status: response.status',
          "if (response.status >= 500) throw new Error('server error ' + response.status);\n  return { status: response.status",
        ],
      ],
      says: /502 whose body is an HTML page.*threw: server error 502/,
    },
    {
      name: "sends credentials: 'include'",
      edits: [['body: signature,', "body: signature,\n    credentials: 'include',"]],
      says: /credentials: 'include'.*refuse its answer.*Access-Control-Allow-Credentials/,
    },
    {
      name: 'swallows a network error into {status: 0}',
      edits: [
        ['  const response = await fetch(', '  try {\n  const response = await fetch('],
        [
          'body: await response.text() };\n',
          "body: await response.text() };\n  } catch {\n    return { status: 0, body: '' };\n  }\n",
        ],
      ],
      says: /nothing answers.*resolved with \{"status":0,"body":""\}: let it reject/,
    },
    // Written as a learner would, beyond the list.
    {
      name: "asks for mode: 'no-cors'",
      edits: [['body: signature,', "body: signature,\n    mode: 'no-cors',"]],
      says: /mode: 'no-cors'.*hides the answer/,
    },
    {
      name: 'adds an X-Requested-With header',
      edits: [
        [
          "headers: { 'Content-Type': 'text/plain;charset=UTF-8' },",
          "headers: { 'Content-Type': 'text/plain;charset=UTF-8', 'X-Requested-With': 'fetch' },",
        ],
      ],
      says: /carries x-requested-with.*preflight/,
    },
    {
      name: 'forgets the method (a GET cannot have a body)',
      edits: [["    method: 'POST',\n", '']],
      says: /threw: .*GET/,
    },
    {
      name: 'keeps the body of a 200 only',
      edits: [['body: await response.text()', "body: response.ok ? await response.text() : ''"]],
      says: /returned for a 400.*body ends early at character 1: expected "\{\\"authentic\\":false.*got ""/,
    },
    {
      name: 'awaits a promise that never settles',
      edits: [
        [
          '  const response = await fetch(',
          '  await new Promise(() => {});\n  const response = await fetch(',
        ],
      ],
      says: /stopped after 5 s: postSignature\(checkUrl, <a genuine signature>\) did not return\. A loop that never ends, or a promise that never settles/,
    },
    {
      name: 'a syntax error: a brace not closed',
      edits: [['    body: signature,\n  });', '    body: signature,\n  );']],
      says: /post-signature\.ts has a syntax error:\n.*\[ERROR\] Expected identifier but found "\)"[\s\S]*01-static-site\/exercises\/post-signature\.ts:\d+:\d+:\n.*\);/,
    },
    {
      name: 'a type error: a number where a string is wanted',
      edits: [
        [
          '  return { status: response.status,',
          '  const n: number = "x";\n  return { status: response.status,',
        ],
      ],
      says: /post-signature\.ts does not type-check.*\n.*post-signature\.ts:\d+:9: error TS2322: Type 'string' is not assignable to type 'number'\.\n.*const n: number = "x";/,
    },
    {
      name: 'reads the status text instead of the body',
      edits: [['body: await response.text()', 'body: response.statusText']],
      says: /returned for a 200.*body differs at character 1: .*got "OK"/,
    },
  ],
  [
    {
      name: "with cache: 'no-store' (the browser's own Cache-Control and Pragma cause no preflight)",
      edits: [['body: signature,', "body: signature,\n    cache: 'no-store',"]],
    },
    {
      name: 'with .then() and a Request object',
      edits: [
        ['  const response = await fetch(checkUrl, {', '  const request = new Request(checkUrl, {'],
        [
          '  return { status: response.status, body: await response.text() };',
          '  return fetch(request).then(async (response) => ({ status: response.status, body: await response.text() }));',
        ],
      ],
    },
  ],
);

describeExercise(
  exercises,
  '1.2',
  [
    {
      name: 'calls any 200 authentic, whatever its body says',
      edits: [
        [
          'if (status === 200 && json?.authentic === true && isObject(json.bill)) {',
          'if (status === 200 && isObject(json?.bill)) {',
        ],
      ],
      says: /\{"authentic": false\}.*kind should be "error", but it is "authentic"/,
    },
    {
      name: 'drops the API\'s detail from the "not authentic" view',
      edits: [['...(detail ? { detail } : {}),\n', '']],
      says: /"skrttskrtttt".*detail should be/,
    },
    {
      name: 'calls any 400 "not authentic", even one that is no verdict',
      edits: [['if (status === 400 && json?.authentic === false) {', 'if (status === 400 && json) {']],
      says: /"Bad Request".*kind should be "error", but it is "not-authentic"/,
    },
    {
      name: 'tests json.authentic for truthiness, not === true',
      edits: [
        [
          'if (status === 200 && json?.authentic === true && isObject(json.bill)) {',
          'if (status === 200 && json?.authentic && isObject(json.bill)) {',
        ],
      ],
      says: /"authentic": "false".*truthy.*kind should be "error", but it is "authentic"/,
    },
    {
      name: 'drops the expiry date',
      edits: [['        ...(expires ? { expires } : {}),\n', '']],
      says: /expires on 2027-01-15.*expires should be "2027-01-15", but it is undefined/,
    },
    {
      name: 'shows a 500 that says authentic: true as authentic',
      edits: [
        [
          'if (status === 200 && json?.authentic === true && isObject(json.bill)) {',
          'if (json?.authentic === true && isObject(json.bill)) {',
        ],
      ],
      says: /a 500 whose body says.*kind should be "error", but it is "authentic"/,
    },
    {
      name: "ignores the API's message",
      edits: [['title: text(json.message) ?? NOT_AUTHENTIC_TITLE,', 'title: NOT_AUTHENTIC_TITLE,']],
      says: /expired token.*title should be "This token has expired", but it is "This is not an authentic signature"/,
    },
    // Written as a learner would, beyond the list.
    {
      name: 'tests !json.authentic for the 400 (a 400 without "authentic" is no verdict)',
      edits: [
        [
          'if (status === 400 && json?.authentic === false) {',
          'if (status === 400 && json && !json.authentic) {',
        ],
      ],
      says: /"Bad Request".*kind should be "error", but it is "not-authentic"/,
    },
    {
      name: 'an endless loop',
      edits: [
        [
          '  const json = parseJson(body);\n',
          '  const json = parseJson(body);\n  while (status > 0) status = status + 1 - 1;\n',
        ],
      ],
      says: /stopped after 5 s: viewForResponse, for a 200 for a genuine legacy signature, did not return\. A loop that never ends/,
    },
    {
      name: 'forgets the next step (the type-check finds it, at its line)',
      edits: [['      next: NEXT_STEP,\n', '']],
      says: /check-result\.ts does not type-check.*\n.*check-result\.ts:\d+:\d+: error TS2322: .*\n.*Property 'next' is missing/,
    },
    {
      name: 'names every scheme "Signed token"',
      edits: [
        [
          "json.scheme === 'legacy' || json.scheme === 'token' ? SCHEME_NAMES[json.scheme] : 'Unknown'",
          'SCHEME_NAMES.token',
        ],
      ],
      says: /genuine legacy signature.*scheme should be "Original signature \(bills from 2019\)"/,
    },
  ],
  [
    {
      name: 'with a switch on the status',
      edits: [
        [
          'if (status === 400 && json?.authentic === false) {',
          'if (status === 400 && false === json?.authentic) {',
        ],
      ],
    },
  ],
);
