import { fileTimeToMs } from '../smb-common/directory-info';
import {
  AccessMask,
  ANDX_NONE,
  Command,
  CreateDisposition,
  CreateOption,
  FileAttribute,
  ImpersonationLevel,
  ShareAccess,
} from './constants';
import { bytesStart, unicodePad, unicodeZ, type Smb1Message, type Smb1Request } from './message';

/** NT_CREATE_ANDX, READ_ANDX and CLOSE (MS-CIFS 2.2.4.64, 2.2.4.42, 2.2.4.5; MS-SMB 2.2.4.2), read-only use. */

export type OpenKind = 'file' | 'directory';

/**
 * Opens with read access only (FILE_READ_DATA | FILE_READ_ATTRIBUTES | SYNCHRONIZE), so read-only shares
 * work, and shares read/write/delete so a publisher replacing files is not blocked. No oplock.
 */
export function buildNtCreateRequest(smbPath: string, kind: OpenKind): Smb1Request {
  const words = Buffer.alloc(48);
  words[0] = ANDX_NONE;
  const name = unicodeZ(smbPath);
  words.writeUInt16LE(name.length, 5); // NameLength in bytes, terminator included (as Samba's client sends it)
  words.writeUInt32LE(AccessMask.FILE_READ_DATA | AccessMask.FILE_READ_ATTRIBUTES | AccessMask.SYNCHRONIZE, 15);
  words.writeUInt32LE(ShareAccess.READ | ShareAccess.WRITE | ShareAccess.DELETE, 31);
  words.writeUInt32LE(CreateDisposition.FILE_OPEN, 35);
  words.writeUInt32LE(kind === 'file' ? CreateOption.FILE_NON_DIRECTORY_FILE : CreateOption.FILE_DIRECTORY_FILE, 39);
  words.writeUInt32LE(ImpersonationLevel.IMPERSONATION, 43);
  const bytes = Buffer.concat([unicodePad(bytesStart(words.length)), name]);
  return { command: Command.NT_CREATE_ANDX, words, bytes };
}

export interface OpenFile {
  fid: number;
  size: number;
  mtimeMs: number;
  isDirectory: boolean;
}

export function parseNtCreateResponse(message: Smb1Message): OpenFile {
  const w = message.words;
  if (w.length < 68) throw new Error(`malformed NT_CREATE_ANDX response (${w.length / 2} words)`);
  return {
    fid: w.readUInt16LE(5),
    mtimeMs: fileTimeToMs(w.readBigUInt64LE(27)),
    size: Number(w.readBigUInt64LE(55)),
    isDirectory: w[67] !== 0 || (w.readUInt32LE(43) & FileAttribute.DIRECTORY) !== 0,
  };
}

/** READ_ANDX, 12-word form (64-bit offset); lengths above 64 KiB go in MaxCountHigh (CAP_LARGE_READX). */
export function buildReadRequest(fid: number, offset: number, length: number): Smb1Request {
  const words = Buffer.alloc(24);
  words[0] = ANDX_NONE;
  words.writeUInt16LE(fid, 4);
  words.writeUInt32LE(offset % 0x100000000, 6);
  words.writeUInt16LE(length & 0xffff, 10);
  words.writeUInt16LE(Math.min(length, 0xffff), 12); // MinCount (ignored by servers for files)
  words.writeUInt16LE((length >>> 16) & 0xffff, 14); // MaxCountHigh
  words.writeUInt32LE(Math.floor(offset / 0x100000000), 20);
  return { command: Command.READ_ANDX, words, bytes: Buffer.alloc(0) };
}

/** The data of a READ_ANDX response as a view into the message (no copy). ByteCount is ignored: it overflows for large reads. */
export function readResponseData(message: Smb1Message): Buffer {
  const w = message.words;
  if (w.length < 24) throw new Error('malformed READ_ANDX response');
  const length = w.readUInt16LE(10) + w.readUInt16LE(14) * 0x10000; // DataLength + DataLengthHigh
  const offset = w.readUInt16LE(12);
  if (length === 0) return message.raw.subarray(0, 0);
  if (offset < message.bytesOffset - 2 || offset + length > message.raw.length) throw new Error('READ_ANDX response data out of bounds');
  return message.raw.subarray(offset, offset + length);
}

export function buildCloseRequest(fid: number): Smb1Request {
  const words = Buffer.alloc(6);
  words.writeUInt16LE(fid, 0);
  words.writeUInt32LE(0xffffffff, 2); // LastTimeModified: leave the file's time alone
  return { command: Command.CLOSE, words, bytes: Buffer.alloc(0) };
}
