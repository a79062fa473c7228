/**
 * The article's "electronic signature": a Vigenère shift of every character by the password,
 * modulo 256, then UTF-8, then urlsafe base64 with padding. Byte-compatible with
 * shared/reference/encode_decode.py (Python 3), so that bills already mailed still verify.
 *
 * It is NOT a signature: anyone holding one bill and its signature recovers the password
 * (see shared/README.md). New bills use sign()/checkToken() from ./token.
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
// standard alphabet, so both alphabets decode. -1: skipped, -2: the pad character, -3: not ASCII.
const SKIP = -1;
const PAD = -2;
const NON_ASCII = -3;
// Indexed by UTF-16 code unit, so that any character of a string has an entry.
const BASE64_VALUES = (() => {
  const table = new Int8Array(65536).fill(NON_ASCII);
  table.fill(SKIP, 0, 128);
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

// biome-ignore lint/suspicious/noControlCharactersInRegex: the whole ASCII range is the point
const ASCII = /^[\x00-\x7f]*$/;

function notAscii(): InvalidSignatureError {
  return new InvalidSignatureError(
    'not-ascii',
    'The signature holds a character that is not ASCII: a genuine one only has letters, digits, "-", "_" and "=".',
  );
}

function notUtf8(): InvalidSignatureError {
  return new InvalidSignatureError(
    'not-utf8',
    'The signature does not decode to valid text: it was altered or mistyped.',
  );
}

/**
 * binascii.a2b_base64 in its default (non-strict) mode, as CPython 3.11+ runs it, after
 * urlsafe_b64decode's ASCII check: characters outside the alphabet are skipped, '=' ends the data once a
 * quad holds 2 or 3 characters and enough pads follow, '=' elsewhere is skipped, and a dangling 1 or 2-3
 * characters is an error. Writes into `out` (at least ceil(length * 3 / 4) bytes); returns the byte count.
 */
function base64DecodeLikePython(signature: string, out: Uint8Array): number {
  const length = signature.length;
  let written = 0;
  let i = 0;
  // Whole quads of alphabet characters, the common case, four at a time.
  while (i + 4 <= length) {
    const a = BASE64_VALUES[signature.charCodeAt(i)] as number;
    const b = BASE64_VALUES[signature.charCodeAt(i + 1)] as number;
    const c = BASE64_VALUES[signature.charCodeAt(i + 2)] as number;
    const d = BASE64_VALUES[signature.charCodeAt(i + 3)] as number;
    if ((a | b | c | d) < 0) break;
    out[written] = (a << 2) | (b >> 4);
    out[written + 1] = ((b & 0x0f) << 4) | (c >> 2);
    out[written + 2] = ((c & 0x03) << 6) | d;
    written += 3;
    i += 4;
  }
  // The rest, one character at a time, with the reference's leniency.
  let quadPos = 0;
  let pads = 0;
  let left = 0;
  for (; i < length; i++) {
    const value = BASE64_VALUES[signature.charCodeAt(i)] as number;
    if (value >= 0) {
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
    } else if (value === PAD) {
      if (quadPos >= 2) {
        pads++;
        if (quadPos + pads >= 4) {
          // Python checked the whole string for ASCII before decoding anything.
          if (!ASCII.test(signature.slice(i + 1))) throw notAscii();
          return written;
        }
      }
    } else if (value === NON_ASCII) {
      throw notAscii();
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
  return written;
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

// The key of the last call, ready for subtraction: a Lambda container decodes with one key.
let cachedKey: string | undefined;
let cachedShifts: Uint8Array = new Uint8Array(0);
function prepare(key: string): Uint8Array {
  if (key !== cachedKey) {
    cachedShifts = keyShifts(key);
    cachedKey = key;
  }
  return cachedShifts;
}

// Bill-sized signatures decode into a reused buffer: no allocation. The function refuses bodies this large
// (413) before decoding, so a larger one only comes from a script, and gets a buffer of its own.
const SMALL_SIGNATURE = 4096;
const scratch = new Uint8Array((SMALL_SIGNATURE / 4) * 3);

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
  const shifts = prepare(key);
  const bytes =
    signature.length <= SMALL_SIGNATURE ? scratch : new Uint8Array(Math.ceil((signature.length * 3) / 4));
  return shiftedText(bytes, base64DecodeLikePython(signature, bytes), shifts);
}

/** The base64-decoded `bytes` (the first `length`) as the reference's text: UTF-8, minus the key, modulo 256. */
function shiftedText(bytes: Uint8Array, length: number, shifts: Uint8Array): string {
  if (shifts.length === 0 && length > 0) {
    // Python decodes the whole text before its loop divides by the key's length.
    if (!isUtf8(bytes.subarray(0, length))) throw notUtf8();
    throw new InvalidSignatureError('empty-key', 'The legacy signature key (SIGNATURE_KEY) is empty.');
  }
  const written = codePointsToLowBytes(bytes, length);
  subtractKey(bytes, written, shifts);
  // Every output character is below U+0100, so latin1 maps each byte to exactly that character.
  return latin1String(bytes, written);
}

/**
 * Check that `bytes` is strict UTF-8, as Python's bytes.decode() (no overlong forms, no surrogates,
 * nothing past U+10FFFF), and replace it by the low byte of each code point (all that survives the
 * modulo 256); returns how many. A code point takes at least one byte, so this overwrites input already read.
 */
function codePointsToLowBytes(bytes: Uint8Array, length: number): number {
  // The encoder only writes U+0000-U+00FF: ASCII bytes, or C2/C3 and a continuation byte, whose code
  // point is the continuation byte plus 0x40 after C3. A genuine signature is runs of those 2-byte
  // characters between runs of ASCII; anything else goes to the general loop.
  let written = 0;
  let i = 0;
  const last = length - 1;
  while (i < length) {
    let b0 = bytes[i] as number;
    while (b0 >= 0x80) {
      // bytes may be a reused buffer longer than `length`: never read past it.
      if (i >= last) return anyCodePointsToLowBytes(bytes, length, i, written);
      const b1 = bytes[i + 1] as number;
      if ((((b0 & 0xfe) ^ 0xc2) | ((b1 & 0xc0) ^ 0x80)) !== 0)
        return anyCodePointsToLowBytes(bytes, length, i, written);
      bytes[written++] = b1 + ((b0 & 1) << 6);
      i += 2;
      if (i === length) return written;
      b0 = bytes[i] as number;
    }
    bytes[written++] = b0;
    i += 1;
  }
  return written;
}

/** The general case, from byte `from` on (a character boundary): characters of 1 to 4 bytes. */
function anyCodePointsToLowBytes(bytes: Uint8Array, length: number, from: number, written: number): number {
  let i = from;
  let out = written;
  // What was read so far is valid and ends on a character boundary: the rest must be valid on its own.
  if (!isUtf8(bytes.subarray(i, length))) throw notUtf8();
  while (i < length) {
    const b0 = bytes[i] as number;
    // The low 8 bits of a code point are in its last two bytes.
    if (b0 < 0x80) {
      bytes[out++] = b0;
      i += 1;
    } else if (b0 < 0xe0) {
      bytes[out++] = ((b0 & 0x03) << 6) | ((bytes[i + 1] as number) & 0x3f);
      i += 2;
    } else if (b0 < 0xf0) {
      bytes[out++] = (((bytes[i + 1] as number) & 0x03) << 6) | ((bytes[i + 2] as number) & 0x3f);
      i += 3;
    } else {
      bytes[out++] = (((bytes[i + 2] as number) & 0x03) << 6) | ((bytes[i + 3] as number) & 0x3f);
      i += 4;
    }
  }
  return out;
}

/** bytes[i] = (bytes[i] - shift[i mod period]) mod 256: Python's (256 + ord(ch) - ord(key[i])) % 256. */
function subtractKey(bytes: Uint8Array, count: number, shifts: Uint8Array): void {
  const period = shifts.length;
  let k = 0;
  for (let i = 0; i < count; i++) {
    bytes[i] = ((bytes[i] as number) - (shifts[k] as number)) & 0xff;
    if (++k === period) k = 0;
  }
}

// Short strings build fastest from a plain array (V8's fast path for apply); long ones natively.
const SHORT_STRING = 128;
const charCodes: number[] = [];

/** The first `length` bytes as a string of U+0000-U+00FF characters. */
function latin1String(bytes: Uint8Array, length: number): string {
  if (length > SHORT_STRING) return Buffer.from(bytes.buffer, bytes.byteOffset, length).toString('latin1');
  charCodes.length = length;
  for (let i = 0; i < length; i++) charCodes[i] = bytes[i] as number;
  return String.fromCharCode.apply(null, charCodes);
}
