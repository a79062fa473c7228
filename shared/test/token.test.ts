import fc from 'fast-check';
import { checkToken, parseKeyring, sign } from '../src/index';

const SECRET_A = `${'a'.repeat(16)}secret-of-key-a-0123456789`;
const SECRET_B = `${'b'.repeat(16)}secret-of-key-b-0123456789`;
const current = parseKeyring(`2026-11:${SECRET_A},2025-01:${SECRET_B}`);
const previous = parseKeyring(`2025-01:${SECRET_B}`);
const jane = { email: 'jane.doe@example.com', billNumber: '2019-0042' };

describe('HMAC tokens: sign and verify', () => {
  it('signs a bill that verifies back to the same bill', () => {
    const token = sign(jane, current);
    expect(token).toMatch(/^v1\.2026-11\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);
    expect(checkToken(token, current)).toEqual({ ok: true, bill: jane, keyId: '2026-11' });
  });

  it('keeps verifying tokens of an older key after a rotation; only the current key signs', () => {
    const old = sign(jane, previous);
    expect(checkToken(old, current)).toMatchObject({ ok: true, keyId: '2025-01' });
    expect(sign(jane, current).split('.')[1]).toBe('2026-11');
  });

  it('rejects a key id it does not hold', () => {
    expect(checkToken(sign(jane, current), previous)).toEqual({ ok: false, reason: 'unknown-key' });
  });

  it('honours an expiry', () => {
    const token = sign(jane, current, { expiresAt: 2_000_000_000 });
    expect(checkToken(token, current, 1_999_999_999)).toEqual({
      ok: true,
      bill: jane,
      keyId: '2026-11',
      expiresAt: 2_000_000_000,
    });
    expect(checkToken(token, current, 2_000_000_000)).toEqual({ ok: false, reason: 'expired' });
  });

  it('refuses to sign a malformed bill', () => {
    expect(() => sign({ email: 'nobody', billNumber: '2019-0042' }, current)).toThrow(/Cannot sign/);
    expect(() => sign({ ...jane, billNumber: '42' }, current)).toThrow(/bill number/);
  });

  it.each([
    ['not a string', 42],
    ['null', null],
    ['empty', ''],
    ['the legacy kind', 'w5fDmsOew4bCocOXw5zDnsKww4bDq8OUw5rDqcOcw4bCocOWw5zDpsKTwpPCo8KkwqbCpsKgwpHCp8Kl'],
    ['too long', `v1.k.${'A'.repeat(2000)}.${'A'.repeat(43)}`],
    ['padded', `${sign(jane, current)}=`],
    ['a short mac', sign(jane, current).slice(0, -1)],
    ['another version', sign(jane, current).replace(/^v1/, 'v2')],
  ])('rejects %s as malformed', (_label, token) => {
    expect(checkToken(token, current)).toEqual({ ok: false, reason: 'malformed' });
  });

  it('rejects a non-canonical base64url mac (same bytes, other trailing bits)', () => {
    const token = sign(jane, current);
    const last = token.at(-1) as string;
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const sibling = alphabet[alphabet.indexOf(last) + 1] as string; // differs in the 2 unused bits
    expect(checkToken(token.slice(0, -1) + sibling, current)).toEqual({ ok: false, reason: 'malformed' });
  });

  it('rejects a payload that is authentic but not a bill', () => {
    const { createHmac } = require('node:crypto');
    const payload = Buffer.from(JSON.stringify({ email: 'jane', bill: '2019-0042' })).toString('base64url');
    const signed = `v1.2026-11.${payload}`;
    const mac = createHmac('sha256', SECRET_A).update(signed).digest('base64url');
    expect(checkToken(`${signed}.${mac}`, current)).toEqual({ ok: false, reason: 'bad-payload' });
  });

  it('explains a bad keyring', () => {
    expect(() => parseKeyring('')).toThrow(/empty/);
    expect(() => parseKeyring('k:short')).toThrow(/openssl rand -base64 32/);
    expect(() => parseKeyring(`bad id:${SECRET_A}`)).toThrow(/key id/);
    expect(() => parseKeyring(`k:${SECRET_A},k:${SECRET_B}`)).toThrow(/twice/);
  });
});

describe('HMAC tokens: properties', () => {
  const bills = fc.record({
    email: fc.constantFrom('jane.doe@example.com', 'a@b.io', 'x+y@sub.example.org'),
    billNumber: fc
      .tuple(fc.integer({ min: 2000, max: 2099 }), fc.integer({ min: 0, max: 999999 }))
      .map(([year, n]) => `${year}-${String(n).padStart(4, '0')}`),
  });

  it('rejects every single-character change of a valid token', () => {
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.=+/ v';
    fc.assert(
      fc.property(bills, fc.nat(), fc.constantFrom(...alphabet.split('')), (bill, at, replacement) => {
        const token = sign(bill, current);
        const index = at % token.length;
        fc.pre(token[index] !== replacement);
        const altered = token.slice(0, index) + replacement + token.slice(index + 1);
        expect(checkToken(altered, current).ok).toBe(false);
      }),
      { numRuns: 5000 },
    );
  });

  it('rejects every token signed by another key under the same id', () => {
    fc.assert(
      fc.property(
        bills,
        fc.string({ minLength: 32, maxLength: 64, unit: 'grapheme-ascii' }),
        (bill, secret) => {
          fc.pre(!secret.includes(',') && secret.trim() === secret && secret !== SECRET_A);
          const forged = sign(bill, parseKeyring(`2026-11:${secret}`));
          expect(checkToken(forged, current)).toEqual({ ok: false, reason: 'bad-signature' });
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('never throws on hostile input', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary' }), fc.anything()), (input) => {
        expect(checkToken(input, current).ok).toBe(false);
      }),
      { numRuns: 5000 },
    );
  });
});
