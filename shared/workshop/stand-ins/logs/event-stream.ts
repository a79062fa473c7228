/**
 * The binary "application/vnd.amazon.eventstream" framing that StartLiveTail answers with, which the AWS SDK
 * decodes: [total length][headers length][prelude CRC32][headers][payload][message CRC32], all big-endian.
 * Only string headers are needed here.
 */
import { crc32 } from 'node:zlib';

const STRING_HEADER = 7;

export function encodeEventStreamMessage(headers: Record<string, string>, payload: Buffer): Buffer {
  const headerParts: Buffer[] = [];
  for (const [name, value] of Object.entries(headers)) {
    const nameBytes = Buffer.from(name, 'utf8');
    const valueBytes = Buffer.from(value, 'utf8');
    const part = Buffer.alloc(1 + nameBytes.length + 1 + 2 + valueBytes.length);
    part.writeUInt8(nameBytes.length, 0);
    nameBytes.copy(part, 1);
    part.writeUInt8(STRING_HEADER, 1 + nameBytes.length);
    part.writeUInt16BE(valueBytes.length, 2 + nameBytes.length);
    valueBytes.copy(part, 4 + nameBytes.length);
    headerParts.push(part);
  }
  const headerBytes = Buffer.concat(headerParts);
  const total = 12 + headerBytes.length + payload.length + 4;
  const message = Buffer.alloc(total);
  message.writeUInt32BE(total, 0);
  message.writeUInt32BE(headerBytes.length, 4);
  message.writeUInt32BE(crc32(message.subarray(0, 8)), 8);
  headerBytes.copy(message, 12);
  payload.copy(message, 12 + headerBytes.length);
  message.writeUInt32BE(crc32(message.subarray(0, total - 4)), total - 4);
  return message;
}

/** An event of the stream, e.g. `sessionUpdate` with its JSON body. */
export function encodeEvent(eventType: string, body: unknown): Buffer {
  return encodeEventStreamMessage(
    { ':message-type': 'event', ':event-type': eventType, ':content-type': 'application/json' },
    Buffer.from(JSON.stringify(body), 'utf8'),
  );
}

/** A modelled exception of the stream, e.g. `SessionTimeoutException`. */
export function encodeException(exceptionType: string, message: string): Buffer {
  return encodeEventStreamMessage(
    { ':message-type': 'exception', ':exception-type': exceptionType, ':content-type': 'application/json' },
    Buffer.from(JSON.stringify({ message }), 'utf8'),
  );
}
