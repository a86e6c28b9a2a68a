import { fileTimeToMs, parseFileDirectoryInformation } from '../smb-common/directory-info';
import {
  AccessMask,
  CreateDisposition,
  CreateOption,
  FileAttribute,
  FileInfoClass,
  HEADER_SIZE,
  ImpersonationLevel,
  ShareAccess,
} from './constants';

export { fileTimeToMs }; // where callers have long found it

/** CREATE, CLOSE, READ and QUERY_DIRECTORY bodies (MS-SMB2 2.2.13-2.2.34), read-only use. */

export type OpenKind = 'file' | 'directory' | 'any';

/** Read access only (so read-only shares work), sharing read/write/delete so publishers are not blocked. */
export function buildCreateRequest(name: string, kind: OpenKind): Buffer {
  const nameBytes = Buffer.from(name, 'utf16le');
  // Samba and Windows want at least one byte of buffer even for the root (empty name).
  const body = Buffer.alloc(56 + Math.max(8, nameBytes.length));
  body.writeUInt16LE(57, 0);
  body.writeUInt32LE(ImpersonationLevel.IMPERSONATION, 4);
  const access =
    kind === 'any'
      ? AccessMask.FILE_READ_ATTRIBUTES | AccessMask.SYNCHRONIZE
      : AccessMask.FILE_READ_DATA | AccessMask.FILE_READ_ATTRIBUTES | AccessMask.SYNCHRONIZE;
  body.writeUInt32LE(access, 24);
  body.writeUInt32LE(ShareAccess.READ | ShareAccess.WRITE | ShareAccess.DELETE, 32);
  body.writeUInt32LE(CreateDisposition.FILE_OPEN, 36);
  const options = kind === 'file' ? CreateOption.FILE_NON_DIRECTORY_FILE : kind === 'directory' ? CreateOption.FILE_DIRECTORY_FILE : 0;
  body.writeUInt32LE(options, 40);
  body.writeUInt16LE(HEADER_SIZE + 56, 44);
  body.writeUInt16LE(nameBytes.length, 46);
  nameBytes.copy(body, 56);
  return body;
}

export interface FileInfo {
  fileId: Buffer;
  size: number;
  mtimeMs: number;
  isDirectory: boolean;
}

export function parseCreateResponse(message: Buffer): FileInfo {
  const body = message.subarray(HEADER_SIZE);
  if (body.length < 88) throw new Error('malformed CREATE response');
  return {
    fileId: Buffer.from(body.subarray(64, 80)),
    size: Number(body.readBigUInt64LE(48)),
    mtimeMs: fileTimeToMs(body.readBigUInt64LE(24)),
    isDirectory: (body.readUInt32LE(56) & FileAttribute.DIRECTORY) !== 0,
  };
}

export function buildCloseRequest(fileId: Buffer): Buffer {
  const body = Buffer.alloc(24);
  body.writeUInt16LE(24, 0);
  fileId.copy(body, 8);
  return body;
}

export function buildReadRequest(fileId: Buffer, offset: number, length: number): Buffer {
  const body = Buffer.alloc(49);
  body.writeUInt16LE(49, 0);
  body[2] = 0x50; // Padding: where we would like the data, right after the response header
  body.writeUInt32LE(length, 4);
  body.writeBigUInt64LE(BigInt(offset), 8);
  fileId.copy(body, 16);
  return body;
}

/** The data of a READ response, as a view into the message (no copy). */
export function readResponseData(message: Buffer): Buffer {
  const body = message.subarray(HEADER_SIZE);
  if (body.length < 16) throw new Error('malformed READ response');
  const offset = body[2]!;
  const length = body.readUInt32LE(4);
  if (offset + length > message.length) throw new Error('READ response data out of bounds');
  return message.subarray(offset, offset + length);
}

export function buildQueryDirectoryRequest(fileId: Buffer, pattern: string, outputLength: number, flags: number): Buffer {
  const name = Buffer.from(pattern, 'utf16le');
  const body = Buffer.alloc(32 + name.length);
  body.writeUInt16LE(33, 0);
  body[2] = FileInfoClass.FileDirectoryInformation;
  body[3] = flags;
  fileId.copy(body, 8);
  body.writeUInt16LE(HEADER_SIZE + 32, 24);
  body.writeUInt16LE(name.length, 26);
  body.writeUInt32LE(outputLength, 28);
  name.copy(body, 32);
  return body;
}

export interface DirectoryEntry {
  name: string;
  size: number;
  mtimeMs: number;
  isDirectory: boolean;
}

/** The entries of a QUERY_DIRECTORY response. */
export function parseDirectoryEntries(message: Buffer): DirectoryEntry[] {
  const body = message.subarray(HEADER_SIZE);
  if (body.length < 8) return [];
  const start = body.readUInt16LE(2);
  const length = body.readUInt32LE(4);
  return parseFileDirectoryInformation(message.subarray(start, start + length));
}
