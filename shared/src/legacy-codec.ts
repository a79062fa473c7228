/**
 * The article's "electronic signature": a Vigenère shift of every character by the password,
 * modulo 256, then UTF-8, then urlsafe base64 with padding. Byte-compatible with
 * shared/reference/encode_decode.py (Python 3), so that bills already mailed still verify.
 *
 * It is NOT a signature: anyone holding one bill and its signature recovers the password
 * (see shared/README.md). New bills use sign()/verify() from ./token.
 */

import { isUtf8 } from 'node:buffer';

export class InvalidSignatureError extends Error {
  override readonly name = 'InvalidSignatureError';
  constructor(
    /** Machine-readable reason, stable across versions. */
    readonly reason:
      | 'missing'
      | 'not-ascii'
      | 'bad-base64-length'
      | 'bad-base64-padding'
      | 'not-utf8'
      | 'empty-key',
    message: string,
  ) {
    super(message);
  }
}

// Python's urlsafe_b64decode maps '-' and '_' to '+' and '/', and binascii then reads the
// standard alphabet, so both alphabets decode. -1: skipped, -2: the pad character.
const SKIP = -1;
const PAD = -2;
const BASE64_VALUES = (() => {
  const table = new Int8Array(128).fill(SKIP);
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  for (let i = 0; i < alphabet.length; i++) table[alphabet.charCodeAt(i)] = i;
  table['+'.charCodeAt(0)] = 62;
  table['-'.charCodeAt(0)] = 62;
  table['/'.charCodeAt(0)] = 63;
  table['_'.charCodeAt(0)] = 63;
  table['='.charCodeAt(0)] = PAD;
  return table;
})();

/** The key's code points, reduced modulo 256: that is all the shift ever uses of them. */
function keyShifts(key: string): Uint8Array {
  const points = Array.from(key, (ch) => (ch.codePointAt(0) as number) & 0xff);
  return Uint8Array.from(points);
}

/**
 * binascii.a2b_base64 in its default (non-strict) mode, as CPython 3.11+ runs it: characters
 * outside the alphabet are skipped, '=' ends the data once a quad holds 2 or 3 characters and
 * enough pads follow, '=' elsewhere is skipped, and a dangling 1 or 2-3 characters is an error.
 */
function base64DecodeLikePython(signature: string): Uint8Array {
  const out = new Uint8Array(Math.ceil((signature.length * 3) / 4));
  let written = 0;
  let quadPos = 0;
  let pads = 0;
  let left = 0;
  for (let i = 0; i < signature.length; i++) {
    const value = BASE64_VALUES[signature.charCodeAt(i)] as number;
    if (value === PAD) {
      if (quadPos >= 2) {
        pads++;
        if (quadPos + pads >= 4) return out.subarray(0, written);
      }
      continue;
    }
    if (value === SKIP) continue;
    pads = 0;
    switch (quadPos) {
      case 0:
        left = value;
        quadPos = 1;
        break;
      case 1:
        out[written++] = (left << 2) | (value >> 4);
        left = value & 0x0f;
        quadPos = 2;
        break;
      case 2:
        out[written++] = (left << 4) | (value >> 2);
        left = value & 0x03;
        quadPos = 3;
        break;
      default:
        out[written++] = (left << 6) | value;
        quadPos = 0;
    }
  }
  if (quadPos === 1) {
    throw new InvalidSignatureError(
      'bad-base64-length',
      'The signature has a base64 length no encoder can produce (one character too many or too few).',
    );
  }
  if (quadPos !== 0) {
    throw new InvalidSignatureError(
      'bad-base64-padding',
      "The signature's base64 padding is wrong or missing: copy it whole, '=' signs included.",
    );
  }
  return out.subarray(0, written);
}

/** Encode a text as the article did. Throws a RangeError for an empty key (Python: ZeroDivisionError). */
export function encode(key: string, clear: string): string {
  const shifts = keyShifts(key);
  const bytes = new Uint8Array(clear.length * 2);
  let written = 0;
  let i = 0;
  for (const ch of clear) {
    if (shifts.length === 0) throw new RangeError('The legacy signature key (SIGNATURE_KEY) is empty.');
    const shifted = ((ch.codePointAt(0) as number) + (shifts[i % shifts.length] as number)) & 0xff;
    // chr(shifted).encode('utf-8'): one byte below 0x80, two above.
    if (shifted < 0x80) {
      bytes[written++] = shifted;
    } else {
      bytes[written++] = 0xc0 | (shifted >> 6);
      bytes[written++] = 0x80 | (shifted & 0x3f);
    }
    i++;
  }
  return Buffer.from(bytes.buffer, 0, written).toString('base64').replace(/\+/g, '-').replace(/\//g, '_');
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: the whole ASCII range is the point
const ASCII = /^[\x00-\x7f]*$/;
const EQUALS = 0x3d;

/**
 * Node's native base64 decoder, where its result is provably the reference's: an ASCII string of whole
 * quads with at most two trailing '='. Node skips a character outside the alphabet and stops at an inner
 * '=', so any such character leaves fewer bytes than the length promises, and the caller falls back to
 * the exact (slower) decoder. Returns undefined when it cannot vouch for the result.
 */
function nativeBase64Decode(signature: string): Buffer | undefined {
  const length = signature.length;
  if (length % 4 !== 0 || Buffer.byteLength(signature, 'utf8') !== length) return undefined;
  let pads = 0;
  if (length > 0 && signature.charCodeAt(length - 1) === EQUALS) {
    pads = signature.charCodeAt(length - 2) === EQUALS ? 2 : 1;
    if (pads === 2 && signature.charCodeAt(length - 3) === EQUALS) return undefined;
  }
  const bytes = Buffer.from(signature, 'base64');
  return bytes.length === (length / 4) * 3 - pads ? bytes : undefined;
}

let cachedKey: string | undefined;
let cachedShifts: Uint8Array = new Uint8Array(0);
function shiftsOf(key: string): Uint8Array {
  if (key !== cachedKey) {
    cachedShifts = keyShifts(key);
    cachedKey = key;
  }
  return cachedShifts;
}

/**
 * Decode a signature as the article's Lambda did: returns exactly what the Python reference
 * returns, and throws InvalidSignatureError wherever the reference raises.
 * A successful decode says nothing about authenticity: garbage often decodes to garbage.
 */
export function decode(key: string, signature: string): string {
  if (typeof signature !== 'string') {
    throw new InvalidSignatureError(
      'missing',
      'No signature was given: send the signature as the request body.',
    );
  }
  if (typeof key !== 'string') throw new TypeError('The legacy signature key must be a string.');
  let bytes: Uint8Array | undefined = nativeBase64Decode(signature);
  if (!bytes) {
    if (!ASCII.test(signature)) {
      throw new InvalidSignatureError(
        'not-ascii',
        'The signature holds a character that is not ASCII: a genuine one only has letters, digits, "-", "_" and "=".',
      );
    }
    bytes = base64DecodeLikePython(signature);
  }
  // Strict UTF-8 as Python's bytes.decode(): no overlong forms, no surrogates, nothing past U+10FFFF.
  if (!isUtf8(bytes)) {
    throw new InvalidSignatureError(
      'not-utf8',
      'The signature does not decode to valid text: it was altered or mistyped.',
    );
  }
  const shifts = shiftsOf(key);
  if (shifts.length === 0 && bytes.length > 0) {
    throw new InvalidSignatureError('empty-key', 'The legacy signature key (SIGNATURE_KEY) is empty.');
  }
  const written = shiftCodePoints(bytes, shifts);
  // Every output character is below U+0100, so latin1 maps each byte to exactly that character.
  const out = bytes.subarray(0, written);
  return written <= 256
    ? String.fromCharCode.apply(null, out as unknown as number[])
    : Buffer.from(out.buffer, out.byteOffset, written).toString('latin1');
}

/**
 * Replace the valid UTF-8 in `bytes` by each code point minus its key shift, modulo 256, one byte each;
 * returns how many. Code points take at least one byte, so the output overwrites input already read.
 */
function shiftCodePoints(bytes: Uint8Array, shifts: Uint8Array): number {
  const length = bytes.length;
  const period = shifts.length;
  // Genuine signatures hold only 1 and 2-byte characters (the encoder emits U+0000-U+00FF): that loop
  // has no unpredictable branch. Only the low 8 bits of a code point matter after the modulo.
  let written = 0;
  let k = 0;
  let i = 0;
  while (i < length) {
    const b0 = bytes[i] as number;
    if (b0 >= 0xe0) return shiftWideCodePoints(bytes, shifts, i, written, k);
    const two = b0 >>> 7;
    const b1 = bytes[i + two] as number;
    const mask = -two; // all ones for a 2-byte character: selects without a branch
    const low = (b0 & ~mask) | ((((b0 & 0x03) << 6) | (b1 & 0x3f)) & mask);
    bytes[written++] = (low - (shifts[k] as number)) & 0xff;
    if (++k === period) k = 0;
    i += 1 + two;
  }
  return written;
}

/** The general case, from the first 3 or 4-byte character on. */
function shiftWideCodePoints(
  bytes: Uint8Array,
  shifts: Uint8Array,
  from: number,
  written: number,
  k: number,
): number {
  const length = bytes.length;
  const period = shifts.length;
  let i = from;
  while (i < length) {
    const b0 = bytes[i] as number;
    let point: number;
    if (b0 < 0x80) {
      point = b0;
      i += 1;
    } else if (b0 < 0xe0) {
      point = ((b0 & 0x1f) << 6) | ((bytes[i + 1] as number) & 0x3f);
      i += 2;
    } else if (b0 < 0xf0) {
      point = (((bytes[i + 1] as number) & 0x3f) << 6) | ((bytes[i + 2] as number) & 0x3f);
      i += 3;
    } else {
      point = (((bytes[i + 2] as number) & 0x3f) << 6) | ((bytes[i + 3] as number) & 0x3f);
      i += 4;
    }
    // (256 + ord(ch) - ord(key[i])) % 256 with Python's non-negative modulo.
    bytes[written++] = (point - (shifts[k] as number)) & 0xff;
    if (++k === period) k = 0;
  }
  return written;
}
