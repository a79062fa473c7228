/**
 * Lambda's log lines as CloudWatch stores them (text format and JSON format, START/END/REPORT, timeouts,
 * crashes), parsed and printed by the tail.
 */
import {
  endLine,
  functionLine,
  parseLambdaLine,
  reportLine,
  startLine,
  timeoutLine,
} from '../src/lambda-lines';
import { Renderer, type TailEvent } from '../src/render';

const ID = 'c793869b-ee49-415b-a5b6-4fd21e8dedac';
const STREAM = '2026/11/25/[$LATEST]8a7c1b5e0f6d4c3b9a2e1d0c9b8a7f6e';
const T = Date.UTC(2026, 10, 25, 10, 0, 0, 123);

/** Real lines of a Node.js function in the text format, as the Lambda console shows them. */
const TEXT = {
  initStart:
    'INIT_START Runtime Version: nodejs:22.v40\tRuntime Version ARN: arn:aws:lambda:eu-west-3::runtime:0c2f3a\n',
  start: `START RequestId: ${ID} Version: $LATEST\n`,
  info: `2026-11-25T10:00:00.123Z\t${ID}\tINFO\tchecking a signature\n`,
  warn: `2026-11-25T10:00:00.124Z\t${ID}\tWARN\t{"outcome":"not-authentic","reason":"not-utf8","requestId":"${ID}"}\n`,
  multiline: `2026-11-25T10:00:00.125Z\t${ID}\tINFO\tline one\nline two\n`,
  invokeError: `2026-11-25T10:00:00.126Z\t${ID}\tERROR\tInvoke Error \t{"errorType":"TypeError","errorMessage":"Cannot read properties of undefined (reading 'body')","stack":["TypeError: Cannot read properties of undefined (reading 'body')","    at Runtime.handler (/var/task/check.js:1:120)"]}\n`,
  end: `END RequestId: ${ID}\n`,
  report: `REPORT RequestId: ${ID}\tDuration: 170.19 ms\tBilled Duration: 171 ms\tMemory Size: 128 MB\tMax Memory Used: 73 MB\tInit Duration: 255.25 ms\t\n`,
  timeout: `2026-11-25T10:00:05.130Z ${ID} Task timed out after 5.00 seconds\n`,
  timeoutReport: `REPORT RequestId: ${ID}\tDuration: 5000.00 ms\tBilled Duration: 5000 ms\tMemory Size: 128 MB\tMax Memory Used: 74 MB\tStatus: timeout\n`,
  crash: `RequestId: ${ID} Error: Runtime exited with error: signal: killed\nRuntime.ExitError\n`,
  python: `[ERROR]\t2026-11-25T10:00:00.127Z\t${ID}\tThis is not an authentic signature\n`,
  raw: '{"level":"WARN","requestId":"c793869b-ee49-415b-a5b6-4fd21e8dedac","outcome":"not-authentic","status":400,"message":"This is not an authentic signature"}\n',
};

/** The same invocation in the JSON format (LoggingConfig LogFormat=JSON). */
const JSON_FORMAT = {
  start: `{"time":"2026-11-25T10:00:00.100Z","type":"platform.start","record":{"requestId":"${ID}","version":"$LATEST"}}`,
  log: `{"timestamp":"2026-11-25T10:00:00.123Z","level":"ERROR","requestId":"${ID}","message":"This is not an authentic signature"}`,
  report: `{"time":"2026-11-25T10:00:00.300Z","type":"platform.report","record":{"requestId":"${ID}","metrics":{"durationMs":3.27,"billedDurationMs":4,"memorySizeMB":128,"maxMemoryUsedMB":68,"initDurationMs":161.3},"status":"success"}}`,
  timeoutReport: `{"time":"2026-11-25T10:00:05.300Z","type":"platform.report","record":{"requestId":"${ID}","metrics":{"durationMs":5000,"billedDurationMs":5000,"memorySizeMB":128,"maxMemoryUsedMB":70},"status":"timeout"}}`,
};

function event(message: string, offset = 0): TailEvent {
  return { logStreamName: STREAM, timestamp: T + offset, message };
}

function renderAll(format: 'short' | 'detailed' | 'json', messages: string[], color = false): string {
  const renderer = new Renderer({ format, color, utc: true });
  return messages.map((m, i) => renderer.render(event(m, i))).join('');
}

describe('parsing what Lambda writes', () => {
  it('reads START, END and a REPORT with every figure', () => {
    expect(parseLambdaLine(TEXT.start)).toEqual({ kind: 'start', requestId: ID, version: '$LATEST' });
    expect(parseLambdaLine(TEXT.end)).toEqual({ kind: 'end', requestId: ID });
    expect(parseLambdaLine(TEXT.report)).toEqual({
      kind: 'report',
      requestId: ID,
      durationMs: 170.19,
      billedDurationMs: 171,
      memorySizeMb: 128,
      maxMemoryUsedMb: 73,
      initDurationMs: 255.25,
    });
    expect(parseLambdaLine(TEXT.timeoutReport)).toMatchObject({
      kind: 'report',
      durationMs: 5000,
      status: 'timeout',
    });
  });

  it('reads function lines of Node.js and Python, and JSON written straight to stdout', () => {
    expect(parseLambdaLine(TEXT.warn)).toMatchObject({
      kind: 'log',
      requestId: ID,
      level: 'WARN',
      json: { outcome: 'not-authentic', reason: 'not-utf8' },
    });
    expect(parseLambdaLine(TEXT.multiline)).toMatchObject({ kind: 'log', text: 'line one\nline two' });
    expect(parseLambdaLine(TEXT.python)).toMatchObject({
      kind: 'log',
      level: 'ERROR',
      text: 'This is not an authentic signature',
    });
    expect(parseLambdaLine(TEXT.raw)).toMatchObject({ kind: 'log', level: 'WARN', requestId: ID });
  });

  it('reads timeouts, crashes and INIT_START', () => {
    expect(parseLambdaLine(TEXT.timeout)).toEqual({
      kind: 'timeout',
      requestId: ID,
      seconds: 5,
      time: '2026-11-25T10:00:05.130Z',
    });
    expect(parseLambdaLine(TEXT.crash)).toMatchObject({ kind: 'crash', requestId: ID });
    expect(parseLambdaLine(TEXT.initStart)).toEqual({ kind: 'init-start', runtime: 'nodejs:22.v40' });
  });

  it('reads the JSON log format and its platform events', () => {
    expect(parseLambdaLine(JSON_FORMAT.start)).toEqual({ kind: 'start', requestId: ID, version: '$LATEST' });
    expect(parseLambdaLine(JSON_FORMAT.log)).toMatchObject({ kind: 'log', level: 'ERROR', requestId: ID });
    expect(parseLambdaLine(JSON_FORMAT.report)).toEqual({
      kind: 'report',
      requestId: ID,
      durationMs: 3.27,
      billedDurationMs: 4,
      memorySizeMb: 128,
      maxMemoryUsedMb: 68,
      initDurationMs: 161.3,
    });
    expect(parseLambdaLine(JSON_FORMAT.timeoutReport)).toMatchObject({ kind: 'report', status: 'timeout' });
  });

  it('reads back exactly what the offline shipper writes', () => {
    const at = new Date(T);
    expect(parseLambdaLine(startLine(ID))).toEqual({ kind: 'start', requestId: ID, version: '$LATEST' });
    expect(parseLambdaLine(functionLine(at, ID, 'INFO', 'hello'))).toMatchObject({
      kind: 'log',
      level: 'INFO',
      text: 'hello',
    });
    expect(parseLambdaLine(timeoutLine(at, ID, 5))).toMatchObject({
      kind: 'timeout',
      seconds: 5,
      requestId: ID,
    });
    expect(parseLambdaLine(endLine(ID))).toEqual({ kind: 'end', requestId: ID });
    const figures = {
      requestId: ID,
      durationMs: 1.04,
      billedDurationMs: 2,
      memorySizeMb: 128,
      maxMemoryUsedMb: 14,
      initDurationMs: 17.15,
    };
    expect(reportLine(figures)).toBe(
      `REPORT RequestId: ${ID}\tDuration: 1.04 ms\tBilled Duration: 2 ms\tMemory Size: 128 MB\tMax Memory Used: 14 MB\tInit Duration: 17.15 ms\t\n`,
    );
    expect(parseLambdaLine(reportLine(figures))).toEqual({ kind: 'report', ...figures });
  });
});

describe('printing', () => {
  it('folds START/END/REPORT into one REPORT line per request, a cold start flagged (short)', () => {
    expect(
      renderAll('short', [TEXT.initStart, TEXT.start, TEXT.info, TEXT.warn, TEXT.end, TEXT.report]),
    ).toBe(
      [
        '10:00:00.123Z          INIT  cold start (nodejs:22.v40)',
        '10:00:00.125Z c793869b INFO  checking a signature',
        '10:00:00.126Z c793869b WARN  outcome=not-authentic reason=not-utf8',
        '10:00:00.128Z c793869b REPORT 170.19 ms (billed 171 ms) · 73/128 MB · cold start, init 255.25 ms',
        '',
      ].join('\n'),
    );
  });

  it('shows timeouts, crashes and unhandled exceptions for what they are', () => {
    expect(renderAll('short', [TEXT.timeout, TEXT.timeoutReport, TEXT.crash, TEXT.invokeError])).toBe(
      [
        '10:00:00.123Z c793869b TIMEOUT Task timed out after 5.00 seconds',
        '10:00:00.124Z c793869b REPORT 5.00 s (billed 5000 ms) · 74/128 MB · TIMED OUT',
        '10:00:00.125Z c793869b CRASH Runtime exited with error: signal: killed',
        `${' '.repeat('10:00:00.125Z c793869b CRASH '.length)}Runtime.ExitError`,
        "10:00:00.126Z c793869b ERROR Invoke Error: TypeError: Cannot read properties of undefined (reading 'body')",
        '',
      ].join('\n'),
    );
  });

  it('paints levels, timeouts and cold starts only when colours are on', () => {
    const coloured = renderAll('short', [TEXT.warn, TEXT.timeout, TEXT.report], true);
    expect(coloured).toContain('\u001b[33mWARN \u001b[39m');
    expect(coloured).toContain('\u001b[31m\u001b[1mTIMEOUT\u001b[22m\u001b[39m');
    expect(coloured).toContain('\u001b[33mcold start, init 255.25 ms\u001b[39m');
    expect(renderAll('short', [TEXT.warn, TEXT.timeout])).not.toContain('\u001b[');
  });

  it('pretty-prints JSON and shows the stream and full request id (detailed)', () => {
    expect(renderAll('detailed', [TEXT.warn, TEXT.invokeError])).toBe(
      [
        `2026-11-25T10:00:00.123Z ${STREAM} ${ID} WARN  `,
        '    {',
        '      "outcome": "not-authentic",',
        '      "reason": "not-utf8",',
        `      "requestId": "${ID}"`,
        '    }',
        `2026-11-25T10:00:00.124Z ${STREAM} ${ID} ERROR Invoke Error: TypeError: Cannot read properties of undefined (reading 'body')`,
        '      at Runtime.handler (/var/task/check.js:1:120)',
        '',
      ].join('\n'),
    );
  });

  it('prints the JSON log format like the text one', () => {
    expect(
      renderAll('short', [JSON_FORMAT.start, JSON_FORMAT.log, JSON_FORMAT.report, JSON_FORMAT.timeoutReport]),
    ).toBe(
      [
        '10:00:00.124Z c793869b ERROR This is not an authentic signature',
        '10:00:00.125Z c793869b REPORT 3.27 ms (billed 4 ms) · 68/128 MB · cold start, init 161.30 ms',
        '10:00:00.126Z c793869b REPORT 5.00 s (billed 5000 ms) · 70/128 MB · TIMED OUT',
        '',
      ].join('\n'),
    );
  });

  it('gives scripts one JSON object per event, REPORT figures parsed (json)', () => {
    const lines = renderAll('json', [TEXT.start, TEXT.raw, TEXT.end, TEXT.report]).trim().split('\n');
    expect(lines.map((l) => JSON.parse(l))).toEqual([
      {
        timestamp: '2026-11-25T10:00:00.124Z',
        logStream: STREAM,
        type: 'log',
        requestId: ID,
        level: 'WARN',
        message: 'This is not an authentic signature',
        data: expect.objectContaining({ outcome: 'not-authentic', status: 400 }),
      },
      {
        timestamp: '2026-11-25T10:00:00.126Z',
        logStream: STREAM,
        type: 'report',
        requestId: ID,
        durationMs: 170.19,
        billedDurationMs: 171,
        memorySizeMb: 128,
        maxMemoryUsedMb: 73,
        initDurationMs: 255.25,
        coldStart: true,
      },
    ]);
  });
});

describe('what a log message cannot do to the terminal', () => {
  // A forged signature is logged: anyone can put escape sequences, carriage returns and bidirectional
  // overrides into the log lines you read.
  const HOSTILE = `2026-11-25T10:00:00.123Z\t${ID}\tINFO\tpaid\u001b[2J\u001b[31m\rOK \u202eevil\u009b6n\u0007 tab\there\nsecond line\n`;
  const HOSTILE_JSON = `{"level":"INFO","requestId":"${ID}","reason":"\\u001b]0;pwned\\u0007","\\u001b[1mkey":"v\\u2066"}\n`;
  const event = (message: string): TailEvent => ({
    logStreamName: `${STREAM}\u001b[8m`,
    timestamp: T,
    message,
  });
  // biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
  const OWN_COLOURS = /\u001b\[[0-9;]*m/g;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
  const CONTROLS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;
  const controls = (text: string) => text.replace(OWN_COLOURS, '').match(CONTROLS);

  it.each(['short', 'detailed'] as const)(
    'shows control characters escaped, keeping its own colours (%s)',
    (format) => {
      const renderer = new Renderer({ format, color: true, utc: true });
      const text = renderer.render(event(HOSTILE)) + renderer.render(event(HOSTILE_JSON));
      expect(controls(text)).toBeNull();
      expect(text).toContain('paid\\x1b[2J\\x1b[31m\\x0dOK \\u202eevil\\x9b6n\\x07 tab\there');
      expect(text).toContain('second line');
      // Short shows the decoded JSON value (escaped here); detailed shows it as JSON (escaped by JSON).
      expect(text).toContain(format === 'short' ? '\\x1b]0;pwned\\x07' : '\\u001b]0;pwned\\u0007');
      expect(text).toContain('\u001b[2m'); // its own colours are still there
    },
  );

  // What JSON decodes: `\u001b` in a JSON string is an escape character once parsed, wherever it is.
  const ESC = '\\u001b[2J\\u001b]0;pwned\\u0007\\u009b31m\\u202e\\u200b';
  const DECODED: Record<string, string> = {
    'a JSON-format message': `{"timestamp":"2026-11-25T10:00:00.123Z","level":"INFO","requestId":"${ID}","message":"paid ${ESC}"}`,
    'a JSON-format message that is JSON': `{"timestamp":"2026-11-25T10:00:00.123Z","level":"INFO","requestId":"${ID}","message":"{\\"a\\":\\"${ESC.replaceAll('\\', '\\\\')}\\"}"}`,
    'a JSON-format request id': `{"timestamp":"2026-11-25T10:00:00.123Z","level":"INFO","requestId":"${ESC}","message":"hello"}`,
    'a JSON-format report': `{"time":"2026-11-25T10:00:00.300Z","type":"platform.report","record":{"requestId":"${ESC}","metrics":{"durationMs":3},"status":"${ESC}","errorType":"${ESC}"}}`,
    'a JSON-format runtime version': `{"time":"2026-11-25T10:00:00.100Z","type":"platform.initStart","record":{"runtimeVersion":"${ESC}"}}`,
    'an Invoke Error': `2026-11-25T10:00:00.126Z\t${ID}\tERROR\tInvoke Error \t{"errorType":"${ESC}","errorMessage":"boom ${ESC}","stack":["Error: boom","    at ${ESC} (/var/task/check.js:1:120)"]}\n`,
    'a JSON array': `2026-11-25T10:00:00.123Z\t${ID}\tINFO\t["${ESC}", {"k": "${ESC}"}]\n`,
    'a nested JSON value': `{"level":"INFO","requestId":"${ID}","outer":{"inner":["${ESC}"]},"plain":"x${ESC}"}`,
    'a JSON string of its own': `"${ESC}"`,
  };

  it.each(
    (['short', 'detailed'] as const).flatMap((format) =>
      Object.keys(DECODED).map((what) => [format, what] as const),
    ),
  )('escapes control characters that JSON decodes (%s, %s)', (format, what) => {
    const renderer = new Renderer({ format, color: false, utc: true });
    const text = renderer.render(event(DECODED[what] as string));
    expect(text.match(CONTROLS)).toBeNull();
    for (const c of ['\u200b', '\u0007', '\u009b']) expect(text).not.toContain(c);
    expect(text).toMatch(/(\\x1b|\\u001b)\[2J/);
  });

  it('keeps the JSON output valid JSON, with every control character escaped', () => {
    const renderer = new Renderer({ format: 'json', color: false, utc: true });
    const text = renderer.render(event(HOSTILE)) + renderer.render(event(HOSTILE_JSON));
    expect(text.match(CONTROLS)).toBeNull();
    expect(text).not.toContain('\t');
    const [first, second] = text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(first.message).toContain('paid\u001b[2J');
    expect(second.data.reason).toBe('\u001b]0;pwned\u0007');
  });
});
