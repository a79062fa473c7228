import { compileFilterPattern, FilterPatternError, wildcardMatch } from '../stand-ins/logs/filter-pattern';

const REJECTED =
  '{"level":"WARN","requestId":"f30dc10e-52c4-4c54-8d5e-6b0c9a8e2f11","outcome":"not-authentic","status":400,"scheme":"legacy","reason":"not-utf8","message":"This is not an authentic signature","durationMs":0.218}';
const AUTHENTIC =
  '{"level":"INFO","requestId":"aca75f19-0c1e-4a8e-9d0b-1f2e3d4c5b6a","outcome":"authentic","status":200,"scheme":"legacy","customer":"j***@example.com","durationMs":5.86,"tags":["a","b"],"error":null,"cached":false}';
const REPORT =
  'REPORT RequestId: aca75f19-0c1e-4a8e-9d0b-1f2e3d4c5b6a\tDuration: 2.71 ms\tBilled Duration: 3 ms\tMemory Size: 128 MB\tMax Memory Used: 67 MB\t\n';
const TIMEOUT =
  '2026-11-25T10:00:05.012Z aca75f19-0c1e-4a8e-9d0b-1f2e3d4c5b6a Task timed out after 5.00 seconds\n';

function matches(pattern: string, ...messages: string[]): boolean[] {
  const match = compileFilterPattern(pattern);
  return messages.map((m) => match(m));
}

describe('filter patterns: terms', () => {
  it('matches everything when empty', () => {
    expect(matches('', REJECTED, REPORT)).toEqual([true, true]);
    expect(matches('   ', REPORT)).toEqual([true]);
  });

  it('needs every term, case-sensitively', () => {
    expect(matches('REPORT Duration', REPORT, REJECTED)).toEqual([true, false]);
    expect(matches('report', REPORT)).toEqual([false]);
  });

  it('matches a quoted phrase as a whole', () => {
    expect(matches('"not an authentic signature"', REJECTED, AUTHENTIC)).toEqual([true, false]);
    expect(matches('"Task timed out"', TIMEOUT, REPORT)).toEqual([true, false]);
  });

  it('excludes with a minus, and takes any of ?-terms', () => {
    expect(matches('RequestId -REPORT', REPORT, TIMEOUT)).toEqual([false, false]);
    expect(matches('aca75f19 -REPORT', REPORT, TIMEOUT, AUTHENTIC)).toEqual([false, true, true]);
    expect(matches('?timed ?"not-authentic"', TIMEOUT, REJECTED, REPORT)).toEqual([true, true, false]);
  });

  it('takes a regular expression between percent signs', () => {
    expect(matches('%status.:4\\d\\d%', REJECTED, AUTHENTIC)).toEqual([true, false]);
  });

  it('runs regular expressions in time that grows with the message, not exponentially', () => {
    // AWS refuses groups; the backtracking blow-up that needs no group ((a*)* in spirit) stays linear on RE2.
    const matcher = compileFilterPattern('%^a*a*a*a*a*a*a*a*a*a*b$%');
    const started = performance.now();
    expect(matcher('a'.repeat(20_000))).toBe(false);
    // Not a timing assertion on speed: a backtracking engine would not return within the test's timeout.
    expect(performance.now() - started).toBeLessThan(20_000);
  });
});

describe('filter patterns: JSON properties', () => {
  it('compares strings, with * as a wildcard', () => {
    expect(matches('{ $.outcome = "not-authentic" }', REJECTED, AUTHENTIC)).toEqual([true, false]);
    expect(matches('{ $.message = "*authentic*" }', REJECTED, AUTHENTIC)).toEqual([true, false]);
    expect(matches('{ $.level != "INFO" }', REJECTED, AUTHENTIC)).toEqual([true, false]);
    expect(matches('{ $.level = WARN }', REJECTED)).toEqual([true]);
  });

  it('compares numbers', () => {
    expect(matches('{ $.status >= 400 }', REJECTED, AUTHENTIC)).toEqual([true, false]);
    expect(matches('{ $.durationMs < 1 }', REJECTED, AUTHENTIC)).toEqual([true, false]);
    expect(matches('{ $.status = 200 }', REJECTED, AUTHENTIC)).toEqual([false, true]);
  });

  it('combines with && and ||, and parentheses', () => {
    expect(matches('{ $.status = 400 && $.scheme = "legacy" }', REJECTED, AUTHENTIC)).toEqual([true, false]);
    expect(
      matches('{ ($.status = 400 || $.durationMs > 5) && $.scheme = "legacy" }', REJECTED, AUTHENTIC),
    ).toEqual([true, true]);
  });

  it('reads arrays, nulls, booleans and missing fields', () => {
    expect(matches('{ $.tags[1] = "b" }', AUTHENTIC)).toEqual([true]);
    expect(matches('{ $.error IS NULL }', AUTHENTIC, REJECTED)).toEqual([true, false]);
    expect(matches('{ $.cached IS FALSE }', AUTHENTIC)).toEqual([true]);
    expect(matches('{ $.reason NOT EXISTS }', AUTHENTIC, REJECTED)).toEqual([true, false]);
  });

  it('never matches a message that is not a JSON object', () => {
    expect(matches('{ $.level = "INFO" }', REPORT, TIMEOUT, 'INFO {"level":"INFO"}')).toEqual([
      false,
      false,
      false,
    ]);
  });
});

describe('filter patterns: wildcards', () => {
  it.each([
    ['not-authentic', '*authentic*', true],
    ['not-authentic', 'not*', true],
    ['not-authentic', '*not', false],
    ['abcabc', 'a*c*c', true],
    ['ab', 'a*b*b', false],
    ['aaa', 'a*a', true],
    ['a', 'a*a', false],
    ['', '*', true],
  ])('%s against %s: %s', (value, pattern, expected) => {
    expect(wildcardMatch(value, pattern)).toBe(expected);
  });

  it('matches many stars against a long value in one pass', () => {
    expect(wildcardMatch('a'.repeat(100_000), `${'*a'.repeat(50)}*b`)).toBe(false);
  });
});

describe('filter patterns: mistakes', () => {
  it.each([
    ['"unterminated', /Unterminated quoted phrase/],
    ['{ $.level = "INFO" ', /must end with "}"/],
    ['{ $.status > "x" }', /compares numbers only/],
    ['{ level = "INFO" }', /must start with a selector/],
    ['{ $.level "INFO" }', /expected =, !=/],
    ['%[%', /Invalid regular expression/],
    ['%^(a+)+$%', /"\(" is not allowed.*no parentheses/],
    ['%not authentic%', /" " is not allowed/],
    ['%é%', /"é" is not allowed/],
    ['%a% %b% %c%', /at most 2 regular expressions/],
    [`{ ${'('.repeat(600)}$.a = 1${')'.repeat(600)} }`, /length less than or equal to 1024/],
    ['[ip, user]', /Space-delimited filter patterns/],
  ])('rejects %s with a message that says what is wrong', (pattern, message) => {
    expect(() => compileFilterPattern(pattern)).toThrow(FilterPatternError);
    expect(() => compileFilterPattern(pattern)).toThrow(message);
  });
});
