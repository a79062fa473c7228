import { execFileSync } from 'node:child_process';
import path from 'node:path';
import fc from 'fast-check';
import vectors from '../reference/vectors.json';
import { decode, encode, InvalidSignatureError } from '../src/index';
import { describeWithSystem } from '../workshop/test-support/system';
import { findPython } from '../workshop/tools';

// Python exception class -> the reason the port gives for it.
const REASONS: Record<string, string[]> = {
  'raises TypeError': ['missing'],
  'raises ValueError': ['not-ascii'],
  'raises Error': ['bad-base64-length', 'bad-base64-padding'],
  'raises UnicodeDecodeError': ['not-utf8'],
  'raises ZeroDivisionError': ['empty-key'],
};

function outcome(key: string, signature: string | null): { python: string; returns?: string } {
  try {
    return { python: 'returns', returns: decode(key, signature as string) };
  } catch (error) {
    if (!(error instanceof InvalidSignatureError)) throw error;
    const python = Object.keys(REASONS).find((name) => REASONS[name]?.includes(error.reason));
    return { python: python ?? `unmapped ${error.reason}` };
  }
}

const latin1 = (text: string) => [...text].every((ch) => (ch.codePointAt(0) as number) <= 0xff);

describe('legacy codec: the reference vectors', () => {
  it.each(vectors.encode.map((v) => [v.key, v.clear, v.signature]))(
    'encode(%j, %j) is the reference signature',
    (key, clear, signature) => {
      expect(encode(key, clear)).toBe(signature);
    },
  );

  it.each(vectors.encode.map((v) => [v.key, v.clear, v.signature]))(
    'decode(%j, signature of %j) is what the reference decodes',
    (key, clear, signature) => {
      const decoded = decode(key, signature);
      // Characters above U+00FF do not survive the reference's % 256 either; it returns the low byte.
      const expected = [...clear]
        .map((ch) => String.fromCharCode((ch.codePointAt(0) as number) & 0xff))
        .join('');
      expect(decoded).toBe(latin1(clear) ? clear : expected);
    },
  );

  it.each(vectors.odd_signatures.map((v) => [v.key, v.signature, v]))(
    'decode(%j, %j) does what the reference does',
    (key, signature, expected) => {
      const { key: _k, signature: _s, ...rest } = expected as Record<string, unknown>;
      expect(outcome(key as string, signature as string | null)).toEqual(rest);
    },
  );

  it('agrees with the vectors of the workshop brief when they are beside the repository', () => {
    let brief: typeof vectors | undefined;
    try {
      brief = require(path.resolve(__dirname, '../../../shared/reference/vectors.json'));
    } catch {
      brief = undefined;
    }
    // The project's own vectors hold every case of the brief's; this is extra evidence, not a dependency.
    for (const v of brief?.encode ?? vectors.encode) expect(encode(v.key, v.clear)).toBe(v.signature);
  });

  it('throws a RangeError for an empty key, as the reference divides by zero', () => {
    expect(() => encode('', 'x')).toThrow(RangeError);
    expect(encode('', '')).toBe('');
    expect(() => decode('', 'Zm9v')).toThrow(expect.objectContaining({ reason: 'empty-key' }));
  });

  it('rejects a truncated last character even when the reused buffer holds continuation bytes', () => {
    // "LRTD" decodes to 2D 14 C3: a lead byte with nothing after it. Python raises UnicodeDecodeError.
    decode('k', encode('k', '\u0080'.repeat(10))); // leaves continuation bytes in the reused buffer
    expect(() => decode('𘩫', 'LRTD')).toThrow(expect.objectContaining({ reason: 'not-utf8' }));
  });

  it('gives reasons a learner can act on', () => {
    expect(() => decode('k', 'skrttskrtttt')).toThrow(/altered or mistyped/);
    expect(() => decode('k', 'wr3CosOLw6B')).toThrow(/padding/);
  });
});

describe('legacy codec: properties', () => {
  const latin1Text = fc.string({
    unit: fc.integer({ min: 0, max: 0xff }).map((n) => String.fromCharCode(n)),
  });
  const anyKey = fc.string({ minLength: 1, unit: 'binary' });

  it('round-trips every text of code points up to U+00FF', () => {
    fc.assert(
      fc.property(anyKey, latin1Text, (key, clear) => {
        expect(decode(key, encode(key, clear))).toBe(clear);
      }),
      { numRuns: 5000 },
    );
  });

  it('never throws anything but InvalidSignatureError', () => {
    const nearBase64 = fc.string({
      unit: fc.constantFrom(...'ABCDEFwxyz0189-_+/=.= \n\té'.split(''), 'w', 'w', 'o', 'O', 'D', 'C'),
      maxLength: 40,
    });
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary' }),
        fc.oneof(fc.string({ unit: 'binary' }), nearBase64),
        (key, sig) => {
          try {
            decode(key, sig);
          } catch (error) {
            expect(error).toBeInstanceOf(InvalidSignatureError);
          }
        },
      ),
      { numRuns: 10000 },
    );
  });
});

describeWithSystem('python3', 'legacy codec: against the Python original, on random input', () => {
  const reference = path.resolve(__dirname, '../reference');
  const script = `
import json, sys
sys.path.insert(0, ${JSON.stringify(reference)})
from encode_decode import encode, decode
out = []
for case in json.load(sys.stdin):
    if case["op"] == "encode":
        out.append({"python": "returns", "returns": encode(case["key"], case["text"])})
        continue
    try:
        out.append({"python": "returns", "returns": decode(case["key"], case["text"])})
    except Exception as error:
        out.append({"python": "raises " + type(error).__name__})
json.dump(out, sys.stdout)
`;
  const python = (cases: { op: string; key: string; text: string }[]) => {
    const { command, args } = findPython() ?? { command: 'python3', args: [] };
    return JSON.parse(
      execFileSync(command, [...args, '-c', script], {
        input: JSON.stringify(cases),
        maxBuffer: 64 << 20,
      }).toString(),
    );
  };

  it('agrees on signatures larger than the function accepts (a script may still decode one)', () => {
    const key = 'S3cr3t-P4ssw0rd!';
    const bills = 'jane.doe@example.com#2019-0042|'.repeat(400);
    const latin1 = Array.from({ length: 6000 }, (_, i) => String.fromCharCode(i % 256)).join('');
    const utf8Of = (text: string) => Buffer.from(text, 'utf8').toString('base64');
    const notLatin1 = utf8Of(`${'a'.repeat(3000)}Ā${'é'.repeat(2000)}😀`);
    const genuine = encode(key, bills);
    const signatures = [
      genuine,
      encode(key, latin1),
      notLatin1,
      utf8Of(`${'é'.repeat(4000)}😀`),
      Buffer.concat([Buffer.from('a'.repeat(6000)), Buffer.from([0xc3])]).toString('base64'),
      genuine.replace(/=+$/, ''),
      `${genuine.slice(0, 5000)} \n${genuine.slice(5000)}`,
      `${genuine.slice(0, 5000)}Ł${genuine.slice(5001)}`,
      `${genuine.slice(0, 5000)}é${genuine.slice(5001)}`,
      genuine.replace(/-/g, '+').replace(/_/g, '/'),
    ];
    const cases = [
      ...signatures.map((text) => ({ op: 'decode', key, text })),
      { op: 'decode', key: '', text: genuine },
      { op: 'decode', key: 'Ω', text: notLatin1 },
    ];
    expect(signatures.every((text) => text.length > 4096)).toBe(true);
    const expected = python(cases);
    expect(cases.map((c) => outcome(c.key, c.text))).toEqual(expected);
  });

  it('agrees on 3,000 random encodes and 6,000 random decodes', () => {
    const key = fc.string({ minLength: 1, maxLength: 20, unit: 'grapheme' });
    const text = fc.string({ maxLength: 60, unit: 'grapheme' });
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_+/=';
    const signature = fc.oneof(
      fc.string({ unit: fc.constantFrom(...alphabet.split('')), maxLength: 48 }),
      fc.string({
        unit: fc.constantFrom(...`${alphabet} .\n`.split(''), 'w', 'w', 'w', 'w', 'o', 'O', 'D', 'C'),
        maxLength: 48,
      }),
    );
    const encodes = fc.sample(fc.record({ op: fc.constant('encode'), key, text }), 3000);
    const decodes = fc.sample(fc.record({ op: fc.constant('decode'), key, text: signature }), 6000);
    // Genuine signatures too, so that the 'returns' path is well covered.
    const genuine = encodes
      .slice(0, 1000)
      .map((c) => ({ op: 'decode', key: c.key, text: encode(c.key, c.text) }));
    const cases = [...encodes, ...decodes, ...genuine];
    const expected = python(cases);
    const actual = cases.map((c) =>
      c.op === 'encode' ? { python: 'returns', returns: encode(c.key, c.text) } : outcome(c.key, c.text),
    );
    const mismatches = cases.flatMap((c, i) =>
      JSON.stringify(actual[i]) === JSON.stringify(expected[i])
        ? []
        : [{ case: c, ours: actual[i], python: expected[i] }],
    );
    expect(mismatches.slice(0, 5)).toEqual([]);
    expect(expected.filter((e: { python: string }) => e.python === 'returns').length).toBeGreaterThan(4000);
  });
});
