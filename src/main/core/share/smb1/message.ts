import { SMB1_MAGIC } from '../smb2/constants';
import { Flags, SMB1_HEADER_SIZE } from './constants';

/**
 * SMB1 message layout (MS-CIFS 2.2.3): a 32-byte header, WordCount, 2*WordCount bytes of parameter
 * words, ByteCount, then the data bytes. Unicode strings in the data must start on an even offset
 * from the header: builders use `unicodePad()` for that.
 */

export interface Smb1Header {
  command: number;
  status: number;
  flags: number;
  flags2: number;
  tid: number;
  pid: number;
  uid: number;
  mid: number;
}

export interface Smb1Message {
  header: Smb1Header;
  /** The whole message from "\xFFSMB" (offset fields in the words count from here). */
  raw: Buffer;
  /** Parameter words (a view). */
  words: Buffer;
  /** Data bytes as ByteCount says (a view); large READ_ANDX data is located through its own offsets. */
  bytes: Buffer;
  /** Offset of `bytes` within `raw`. */
  bytesOffset: number;
}

/** One request as the client builds it; the connection fills in the header (MID, UID, TID, signature). */
export interface Smb1Request {
  command: number;
  words: Buffer;
  bytes: Buffer;
}

/** Offset of the data bytes for a request with `wordBytes` bytes of parameter words. */
export const bytesStart = (wordBytes: number): number => SMB1_HEADER_SIZE + 1 + wordBytes + 2;

/** Zero or one pad byte so that a Unicode string at `offset` (from the header) is 2-byte aligned. */
export const unicodePad = (offset: number): Buffer => (offset % 2 ? Buffer.alloc(1) : Buffer.alloc(0));

/** UTF-16LE with a terminating null character. */
export const unicodeZ = (text: string): Buffer => Buffer.from(`${text}\0`, 'utf16le');

export interface HeaderFields {
  mid: number;
  uid: number;
  tid: number;
  pid: number;
  flags2: number;
}

/** Serialises a request (without the 4-byte transport header). */
export function encodeRequest(request: Smb1Request, fields: HeaderFields): Buffer {
  if (request.words.length % 2 || request.words.length > 510) throw new RangeError('bad SMB1 parameter words');
  if (request.bytes.length > 0xffff) throw new RangeError('SMB1 data bytes exceed 65535');
  const out = Buffer.alloc(bytesStart(request.words.length) + request.bytes.length);
  out.writeUInt32LE(SMB1_MAGIC, 0);
  out[4] = request.command;
  out[9] = Flags.CASE_INSENSITIVE | Flags.CANONICALIZED_PATHS;
  out.writeUInt16LE(fields.flags2, 10);
  out.writeUInt16LE((fields.pid >>> 16) & 0xffff, 12);
  out.writeUInt16LE(fields.tid, 24);
  out.writeUInt16LE(fields.pid & 0xffff, 26);
  out.writeUInt16LE(fields.uid, 28);
  out.writeUInt16LE(fields.mid, 30);
  out[32] = request.words.length / 2;
  request.words.copy(out, 33);
  out.writeUInt16LE(request.bytes.length, 33 + request.words.length);
  request.bytes.copy(out, bytesStart(request.words.length));
  return out;
}

export function parseHeader(raw: Buffer): Smb1Header {
  if (raw.length < SMB1_HEADER_SIZE || raw.readUInt32LE(0) !== SMB1_MAGIC) throw new Error('not an SMB1 message');
  return {
    command: raw[4]!,
    status: raw.readUInt32LE(5),
    flags: raw[9]!,
    flags2: raw.readUInt16LE(10),
    pid: (raw.readUInt16LE(12) << 16) | raw.readUInt16LE(26),
    tid: raw.readUInt16LE(24),
    uid: raw.readUInt16LE(28),
    mid: raw.readUInt16LE(30),
  };
}

/**
 * Splits a response into words and bytes. Error responses may carry WordCount 0 and ByteCount 0, or
 * end right after the header: both parse as empty.
 */
export function parseMessage(raw: Buffer): Smb1Message {
  const header = parseHeader(raw);
  if (raw.length < SMB1_HEADER_SIZE + 1) return { header, raw, words: raw.subarray(0, 0), bytes: raw.subarray(0, 0), bytesOffset: raw.length };
  const wordBytes = raw[SMB1_HEADER_SIZE]! * 2;
  const wordsEnd = SMB1_HEADER_SIZE + 1 + wordBytes;
  if (wordsEnd > raw.length) throw new Error('SMB1 parameter words run past the message');
  const words = raw.subarray(SMB1_HEADER_SIZE + 1, wordsEnd);
  if (wordsEnd + 2 > raw.length) return { header, raw, words, bytes: raw.subarray(0, 0), bytesOffset: raw.length };
  const byteCount = raw.readUInt16LE(wordsEnd);
  const bytesOffset = wordsEnd + 2;
  return { header, raw, words, bytes: raw.subarray(bytesOffset, Math.min(raw.length, bytesOffset + byteCount)), bytesOffset };
}
