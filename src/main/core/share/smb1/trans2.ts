import { fileTimeToMs, parseFileDirectoryInformation, type DirectoryInfoEntry } from '../smb-common/directory-info';
import { Command, FileAttribute, FindFlag, InfoLevel, SEARCH_ALL, Trans2 } from './constants';
import { bytesStart, unicodeZ, type Smb1Message, type Smb1Request } from './message';

/**
 * SMB_COM_TRANSACTION2 (MS-CIFS 2.2.4.46): requests with parameters and data, replies that may come in
 * several messages (each carries a displacement into the whole), and the subcommands this client
 * uses: FIND_FIRST2 / FIND_NEXT2 for listings and QUERY_PATH_INFORMATION for stat.
 */

/** Largest reply data we ask for per round trip (the field is 16 bits). */
export const MAX_DATA_COUNT = 0xffff;

export function buildTrans2Request(subcommand: number, parameters: Buffer, data: Buffer = Buffer.alloc(0), maxParameterCount = 64): Smb1Request {
  const words = Buffer.alloc(30);
  const start = bytesStart(words.length);
  // Like Samba's client: no name, three pad bytes, so the parameters start 4-byte aligned.
  const parameterOffset = start + 3;
  const dataOffset = data.length ? alignUp(parameterOffset + parameters.length, 4) : 0;
  words.writeUInt16LE(parameters.length, 0);
  words.writeUInt16LE(data.length, 2);
  words.writeUInt16LE(maxParameterCount, 4);
  words.writeUInt16LE(MAX_DATA_COUNT, 6);
  words.writeUInt16LE(parameters.length, 18);
  words.writeUInt16LE(parameterOffset, 20);
  words.writeUInt16LE(data.length, 22);
  words.writeUInt16LE(dataOffset, 24);
  words[26] = 1; // SetupCount
  words.writeUInt16LE(subcommand, 28);
  const bytes = Buffer.alloc((data.length ? dataOffset + data.length : parameterOffset + parameters.length) - start);
  parameters.copy(bytes, parameterOffset - start);
  if (data.length) data.copy(bytes, dataOffset - start);
  return { command: Command.TRANSACTION2, words, bytes };
}

const alignUp = (n: number, to: number) => Math.ceil(n / to) * to;

export interface Trans2Reply {
  parameters: Buffer;
  data: Buffer;
}

interface PartInfo {
  totalParameters: number;
  totalData: number;
  parameterCount: number;
  parameterOffset: number;
  parameterDisplacement: number;
  dataCount: number;
  dataOffset: number;
  dataDisplacement: number;
}

function partInfo(message: Smb1Message): PartInfo | null {
  const w = message.words;
  if (w.length < 20) return null; // an error reply
  return {
    totalParameters: w.readUInt16LE(0),
    totalData: w.readUInt16LE(2),
    parameterCount: w.readUInt16LE(6),
    parameterOffset: w.readUInt16LE(8),
    parameterDisplacement: w.readUInt16LE(10),
    dataCount: w.readUInt16LE(12),
    dataOffset: w.readUInt16LE(14),
    dataDisplacement: w.readUInt16LE(16),
  };
}

/**
 * For SendOptions.complete: a reply is whole when the parts hold every parameter and data byte the
 * last part announces (totals may shrink, never grow), or when a part is an error without counts.
 */
export function trans2Complete(parts: Smb1Message[]): boolean {
  const last = partInfo(parts[parts.length - 1]!);
  if (!last) return true;
  let parameters = 0;
  let data = 0;
  for (const part of parts) {
    const info = partInfo(part);
    if (!info) return true;
    parameters += info.parameterCount;
    data += info.dataCount;
  }
  return parameters >= last.totalParameters && data >= last.totalData;
}

/** Puts the parts of a reply together by their displacements. */
export function assembleTrans2(parts: Smb1Message[]): Trans2Reply {
  const infos = parts.map((part) => {
    const info = partInfo(part);
    if (!info) throw new Error('TRANS2 reply without parameter words');
    return info;
  });
  const last = infos[infos.length - 1]!;
  const parameters = Buffer.alloc(last.totalParameters);
  const data = Buffer.alloc(last.totalData);
  infos.forEach((info, i) => {
    const raw = parts[i]!.raw;
    const copy = (target: Buffer, offset: number, count: number, displacement: number, what: string) => {
      if (count === 0) return;
      if (offset + count > raw.length || displacement + count > target.length) throw new Error(`TRANS2 reply ${what} out of bounds`);
      raw.copy(target, displacement, offset, offset + count);
    };
    copy(parameters, info.parameterOffset, info.parameterCount, info.parameterDisplacement, 'parameters');
    copy(data, info.dataOffset, info.dataCount, info.dataDisplacement, 'data');
  });
  return { parameters, data };
}

// ---- FIND_FIRST2 / FIND_NEXT2 ----------------------------------------------------------------

/** Entries per round trip; the server also stops at MaxDataCount bytes. */
const SEARCH_COUNT = 1024;

export function buildFindFirstRequest(pattern: string): Smb1Request {
  const fixed = Buffer.alloc(12);
  fixed.writeUInt16LE(SEARCH_ALL, 0);
  fixed.writeUInt16LE(SEARCH_COUNT, 2);
  fixed.writeUInt16LE(FindFlag.CLOSE_AT_EOS | FindFlag.RETURN_RESUME_KEYS, 4);
  fixed.writeUInt16LE(InfoLevel.FIND_FILE_DIRECTORY_INFO, 6);
  // SearchStorageType (4 bytes) stays 0.
  return buildTrans2Request(Trans2.FIND_FIRST2, Buffer.concat([fixed, unicodeZ(pattern)]));
}

/** Continues after `lastName` (Windows resumes by name; Samba also keeps its own position). */
export function buildFindNextRequest(sid: number, resumeKey: number, lastName: string): Smb1Request {
  const fixed = Buffer.alloc(12);
  fixed.writeUInt16LE(sid, 0);
  fixed.writeUInt16LE(SEARCH_COUNT, 2);
  fixed.writeUInt16LE(InfoLevel.FIND_FILE_DIRECTORY_INFO, 4);
  fixed.writeUInt32LE(resumeKey >>> 0, 6);
  fixed.writeUInt16LE(FindFlag.CLOSE_AT_EOS | FindFlag.RETURN_RESUME_KEYS | FindFlag.CONTINUE_FROM_LAST, 10);
  return buildTrans2Request(Trans2.FIND_NEXT2, Buffer.concat([fixed, unicodeZ(lastName)]));
}

export function buildFindCloseRequest(sid: number): Smb1Request {
  const words = Buffer.alloc(2);
  words.writeUInt16LE(sid, 0);
  return { command: Command.FIND_CLOSE2, words, bytes: Buffer.alloc(0) };
}

export interface FindPage {
  /** Search handle; only FIND_FIRST2 returns one. */
  sid: number | null;
  endOfSearch: boolean;
  entries: DirectoryEntry[];
}

export type DirectoryEntry = DirectoryInfoEntry;

export function parseFindReply(reply: Trans2Reply, first: boolean): FindPage {
  const p = reply.parameters;
  const base = first ? 2 : 0;
  if (p.length < base + 6) throw new Error('short FIND reply parameters');
  const count = p.readUInt16LE(base);
  // SMB_FIND_FILE_DIRECTORY_INFO (MS-CIFS 2.2.8.1.4)
  const entries = parseFileDirectoryInformation(reply.data, count);
  return { sid: first ? p.readUInt16LE(0) : null, endOfSearch: p.readUInt16LE(base + 2) !== 0, entries };
}

// ---- QUERY_PATH_INFORMATION --------------------------------------------------------------------

export function buildQueryPathInfoRequest(smbPath: string): Smb1Request {
  const fixed = Buffer.alloc(6);
  fixed.writeUInt16LE(InfoLevel.QUERY_FILE_ALL_INFO, 0);
  return buildTrans2Request(Trans2.QUERY_PATH_INFORMATION, Buffer.concat([fixed, unicodeZ(smbPath)]), Buffer.alloc(0), 2);
}

export interface PathInfo {
  size: number;
  mtimeMs: number;
  isDirectory: boolean;
}

/** SMB_QUERY_FILE_ALL_INFO (MS-CIFS 2.2.8.3.10). */
export function parseQueryPathInfoReply(reply: Trans2Reply): PathInfo {
  const d = reply.data;
  if (d.length < 62) throw new Error(`short QUERY_FILE_ALL_INFO (${d.length} bytes)`);
  return {
    mtimeMs: fileTimeToMs(d.readBigUInt64LE(16)),
    size: Number(d.readBigUInt64LE(48)),
    isDirectory: d[61] !== 0 || (d.readUInt32LE(32) & FileAttribute.DIRECTORY) !== 0,
  };
}
