/**
 * Why the article's codec is not a signature: one bill and its signature give away the password.
 * shared/README.md walks through the same steps.
 */
import { checkToken, decode, encode, parseBillReference, parseKeyring } from '../src/index';

const PASSWORD = 'S3cr3t-P4ssw0rd!';
const knownBill = 'jane.doe@example.com#2019-0042';
const knownSignature = encode(PASSWORD, knownBill); // printed on Jane's bill: she has both

/** The shift of each position is (signature char - bill char) mod 256; the key repeats with its period. */
function recoverKey(clear: string, signature: string): string {
  const shifted = Buffer.from(signature, 'base64url').toString('utf8');
  const shifts = [...shifted].map((ch, i) => ((ch.codePointAt(0) as number) - clear.charCodeAt(i)) & 0xff);
  const period = shifts.findIndex((_, p) => p > 0 && shifts.every((s, i) => i < p || s === shifts[i - p]));
  return String.fromCharCode(...shifts.slice(0, period > 0 ? period : shifts.length));
}

describe('the legacy codec is not a signature', () => {
  it('gives away the password from one bill and its signature, and lets anyone forge another bill', () => {
    const recovered = recoverKey(knownBill, knownSignature);
    expect(recovered).toBe(PASSWORD);

    const forged = encode(recovered, 'mallory@example.net#2019-9999');
    const decoded = decode(PASSWORD, forged);
    expect(parseBillReference(decoded)).toEqual({
      ok: true,
      bill: { email: 'mallory@example.net', billNumber: '2019-9999' },
    });

    // The HMAC token of shared/src/token.ts does not fall for it: the forger has no secret.
    const keyring = parseKeyring(`2026-11:${'k'.repeat(40)}`);
    expect(checkToken(forged, keyring)).toEqual({ ok: false, reason: 'malformed' });
  });
});
