import { describe, expect, it } from 'vitest';
import { toSmb1Path } from '../../src/main/core/share/smb1/client';
import { Command, Flags, Flags2 } from '../../src/main/core/share/smb1/constants';
import { buildCloseRequest, buildNtCreateRequest, buildReadRequest, readResponseData } from '../../src/main/core/share/smb1/file-messages';
import { encodeRequest, parseMessage, type Smb1Message } from '../../src/main/core/share/smb1/message';
import { buildSessionSetupRequest, buildTreeConnectRequest, parseNegotiateResponse } from '../../src/main/core/share/smb1/session-messages';
import { computeSignature, signMessage, SigningState, verifyMessage } from '../../src/main/core/share/smb1/signing';
import { responseStatus } from '../../src/main/core/share/smb1/status';
import { assembleTrans2, buildFindFirstRequest, buildTrans2Request, parseFindReply, trans2Complete } from '../../src/main/core/share/smb1/trans2';
import { NtStatus } from '../../src/main/core/share/smb2/ntstatus';

const FIELDS = { mid: 0x1234, uid: 0x0801, tid: 0x0007, pid: 0x00abcdef, flags2: Flags2.UNICODE | Flags2.NT_STATUS };

/** A response message as a server would send it: header, words, bytes (optionally placed at a given offset). */
function response(command: number, words: Buffer, bytes: Buffer, status = 0, flags2 = FIELDS.flags2): Smb1Message {
  const raw = encodeRequest({ command, words, bytes }, { ...FIELDS, flags2 });
  raw[9] = raw[9]! | Flags.REPLY;
  raw.writeUInt32LE(status >>> 0, 5);
  return parseMessage(raw);
}

describe('SMB1 message framing', () => {
  it('places header fields where MS-CIFS 2.2.3.1 says and parses them back', () => {
    const raw = encodeRequest({ command: Command.CLOSE, words: Buffer.from([1, 2, 3, 4]), bytes: Buffer.from('xyz') }, FIELDS);
    expect(raw.subarray(0, 4)).toEqual(Buffer.from([0xff, 0x53, 0x4d, 0x42]));
    expect(raw[4]).toBe(Command.CLOSE);
    expect(raw.readUInt16LE(24)).toBe(7); // TID
    expect(raw.readUInt16LE(26)).toBe(0xcdef); // PIDLow
    expect(raw.readUInt16LE(12)).toBe(0x00ab); // PIDHigh
    expect(raw.readUInt16LE(28)).toBe(0x0801); // UID
    expect(raw.readUInt16LE(30)).toBe(0x1234); // MID
    expect(raw[32]).toBe(2); // WordCount
    expect(raw.readUInt16LE(37)).toBe(3); // ByteCount
    const parsed = parseMessage(raw);
    expect(parsed.header).toMatchObject({ command: Command.CLOSE, mid: 0x1234, uid: 0x0801, tid: 7, pid: 0x00abcdef });
    expect(parsed.words).toEqual(Buffer.from([1, 2, 3, 4]));
    expect(parsed.bytes.toString()).toBe('xyz');
    expect(parsed.bytesOffset).toBe(39);
  });

  it('an error reply with no words and no byte count parses as empty', () => {
    const raw = Buffer.alloc(32);
    raw.writeUInt32LE(0x424d53ff, 0);
    raw.writeUInt32LE(NtStatus.ACCESS_DENIED, 5);
    raw.writeUInt16LE(Flags2.NT_STATUS, 10);
    const parsed = parseMessage(raw);
    expect(parsed.words.length).toBe(0);
    expect(responseStatus(parsed)).toBe(NtStatus.ACCESS_DENIED);
  });

  it('translates DOS-class error codes from servers that do not send NT status codes', () => {
    const badFile = response(Command.NT_CREATE_ANDX, Buffer.alloc(0), Buffer.alloc(0), 0x00020001, 0); // ERRDOS/ERRbadfile
    expect(responseStatus(badFile)).toBe(NtStatus.OBJECT_NAME_NOT_FOUND);
    const badPw = response(Command.SESSION_SETUP_ANDX, Buffer.alloc(0), Buffer.alloc(0), 0x00020002, 0); // ERRSRV/ERRbadpw
    expect(responseStatus(badPw)).toBe(NtStatus.LOGON_FAILURE);
  });

  it('paths are share-rooted with backslashes', () => {
    expect(toSmb1Path('')).toBe('\\');
    expect(toSmb1Path('nurse/bin/a.dll')).toBe('\\nurse\\bin\\a.dll');
    expect(toSmb1Path('/x/')).toBe('\\x');
  });
});

describe('SMB1 requests', () => {
  it('NT_CREATE_ANDX asks for read access only, shares read/write/delete, and aligns the Unicode name', () => {
    const request = buildNtCreateRequest('\\nurse\\护士.exe', 'file');
    const raw = encodeRequest(request, FIELDS);
    const words = raw.subarray(33, 33 + 48);
    expect(words.readUInt32LE(15)).toBe(0x00100081); // FILE_READ_DATA | FILE_READ_ATTRIBUTES | SYNCHRONIZE
    expect(words.readUInt32LE(31)).toBe(0x7); // FILE_SHARE_READ | WRITE | DELETE
    expect(words.readUInt32LE(35)).toBe(1); // FILE_OPEN: never creates
    expect(words.readUInt32LE(39)).toBe(0x40); // FILE_NON_DIRECTORY_FILE
    const bytesAt = 33 + 48 + 2;
    const nameAt = bytesAt + (bytesAt % 2);
    expect(nameAt % 2).toBe(0);
    const nameLength = words.readUInt16LE(5);
    expect(raw.toString('utf16le', nameAt, nameAt + nameLength)).toBe('\\nurse\\护士.exe\0');
  });

  it('READ_ANDX carries lengths above 64 KiB in MaxCountHigh and offsets above 4 GiB in OffsetHigh', () => {
    const words = buildReadRequest(0x4001, 5 * 2 ** 32 + 77, 16 * 1024 * 1024 - 1024).words;
    expect(words.length).toBe(24);
    expect(words.readUInt16LE(4)).toBe(0x4001);
    expect(words.readUInt32LE(6)).toBe(77);
    expect(words.readUInt32LE(20)).toBe(5);
    expect(words.readUInt16LE(10) + words.readUInt16LE(14) * 0x10000).toBe(16 * 1024 * 1024 - 1024);
  });

  it('reads READ_ANDX data by DataOffset and DataLength + DataLengthHigh, as a view', () => {
    const data = Buffer.alloc(70_000, 7);
    const words = Buffer.alloc(24);
    words[0] = 0xff;
    const dataOffset = 33 + 24 + 2 + 1; // one pad byte
    words.writeUInt16LE(data.length & 0xffff, 10);
    words.writeUInt16LE(dataOffset, 12);
    words.writeUInt16LE(data.length >>> 16, 14);
    // ByteCount wraps for large reads: readResponseData must not trust it.
    const head = response(Command.READ_ANDX, words, Buffer.alloc(1)).raw;
    const raw = Buffer.concat([head, data]);
    raw.writeUInt16LE((1 + data.length) & 0xffff, 33 + 24);
    const message = parseMessage(raw);
    const got = readResponseData(message);
    expect(got.length).toBe(70_000);
    expect(got.buffer).toBe(message.raw.buffer);
    expect(got.every((b) => b === 7)).toBe(true);
  });

  it('CLOSE leaves the file time alone; TREE_CONNECT and SESSION_SETUP align their Unicode strings', () => {
    expect(buildCloseRequest(9).words.readUInt32LE(2)).toBe(0xffffffff);
    const tree = encodeRequest(buildTreeConnectRequest('\\\\127.0.0.1\\update'), FIELDS);
    const pathAt = 33 + 8 + 2 + 1;
    expect(pathAt % 2).toBe(0);
    expect(tree.toString('utf16le', pathAt, pathAt + 36)).toBe('\\\\127.0.0.1\\update');
    for (const blobLength of [10, 11]) {
      const raw = encodeRequest(buildSessionSetupRequest(Buffer.alloc(blobLength, 1), 0, 50), FIELDS);
      const osAt = 33 + 24 + 2 + blobLength;
      const aligned = osAt + (osAt % 2);
      expect(raw.toString('utf16le', aligned, aligned + 14)).toBe('Node.js');
      expect(raw.readUInt16LE(33 + 8)).toBe(1); // VcNumber 1: never resets the server's other connections
    }
  });

  it('parses an NT LM 0.12 extended-security NEGOTIATE response', () => {
    const words = Buffer.alloc(34);
    words.writeUInt16LE(0, 0);
    words[2] = 0x0f; // user security, encrypted passwords, signing enabled and required
    words.writeUInt16LE(50, 3);
    words.writeUInt32LE(16644, 7);
    words.writeUInt32LE(0x1234, 15);
    words.writeUInt32LE(0x8000f3fd, 19);
    const message = response(Command.NEGOTIATE, words, Buffer.concat([Buffer.alloc(16, 0xaa), Buffer.from([0x60, 0x01, 0x00])]));
    expect(parseNegotiateResponse(message)).toMatchObject({ dialectIndex: 0, securityMode: 0x0f, maxMpxCount: 50, maxBufferSize: 16644, sessionKey: 0x1234, securityBlob: Buffer.from([0x60, 0x01, 0x00]) });
    const none = Buffer.alloc(2, 0xff);
    expect(parseNegotiateResponse(response(Command.NEGOTIATE, none, Buffer.alloc(0))).dialectIndex).toBe(0xffff);
  });
});

describe('TRANS2', () => {
  it('puts parameters 4-byte aligned after three pad bytes, one setup word', () => {
    const raw = encodeRequest(buildTrans2Request(0x0005, Buffer.from([1, 2, 3]), Buffer.from([9, 9])), FIELDS);
    const words = raw.subarray(33, 63);
    expect(raw[32]).toBe(15);
    expect(words.readUInt16LE(20)).toBe(68); // ParameterOffset
    expect(words.readUInt16LE(24)).toBe(72); // DataOffset, aligned after the parameters
    expect(raw.subarray(68, 71)).toEqual(Buffer.from([1, 2, 3]));
    expect(raw.subarray(72, 74)).toEqual(Buffer.from([9, 9]));
    expect(words.readUInt16LE(28)).toBe(0x0005);
    const find = encodeRequest(buildFindFirstRequest('\\many\\*'), FIELDS);
    expect(find.toString('utf16le', 68 + 12, find.length)).toBe('\\many\\*\0');
  });

  /** A reply part carrying parameters [pOff, pOff+pCount) and data [dOff, dOff+dCount) of the whole. */
  function part(params: Buffer, data: Buffer, p: [number, number], d: [number, number]): Smb1Message {
    const words = Buffer.alloc(20);
    const bytesStart = 33 + 20 + 2;
    const paramAt = bytesStart + 1;
    const dataAt = paramAt + p[1] + 3;
    words.writeUInt16LE(params.length, 0);
    words.writeUInt16LE(data.length, 2);
    words.writeUInt16LE(p[1], 6);
    words.writeUInt16LE(paramAt, 8);
    words.writeUInt16LE(p[0], 10);
    words.writeUInt16LE(d[1], 12);
    words.writeUInt16LE(dataAt, 14);
    words.writeUInt16LE(d[0], 16);
    const bytes = Buffer.alloc(dataAt + d[1] - bytesStart);
    params.copy(bytes, paramAt - bytesStart, p[0], p[0] + p[1]);
    data.copy(bytes, dataAt - bytesStart, d[0], d[0] + d[1]);
    return response(Command.TRANSACTION2, words, bytes);
  }

  it('reassembles a reply split over several messages by displacement, and knows when it is complete', () => {
    const params = Buffer.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    const data = Buffer.from(Array.from({ length: 1000 }, (_, i) => i & 0xff));
    const parts = [part(params, data, [0, 10], [0, 400]), part(params, data, [10, 0], [700, 300]), part(params, data, [10, 0], [400, 300])];
    expect(trans2Complete(parts.slice(0, 1))).toBe(false);
    expect(trans2Complete(parts.slice(0, 2))).toBe(false);
    expect(trans2Complete(parts)).toBe(true);
    const whole = assembleTrans2(parts);
    expect(whole.parameters).toEqual(params);
    expect(whole.data).toEqual(data);
  });

  it('parses a FIND_FIRST2 reply: search handle, end of search, entries with resume keys', () => {
    const names = ['.', '..', 'a.dll', '护士站.exe', 'sub'];
    const entries = names.map((name, i) => {
      const nameBytes = Buffer.from(name, 'utf16le');
      const entry = Buffer.alloc(((64 + nameBytes.length + 7) & ~7) >>> 0);
      entry.writeUInt32LE(i === names.length - 1 ? 0 : entry.length, 0);
      entry.writeUInt32LE(100 + i, 4);
      entry.writeBigUInt64LE(BigInt(Date.UTC(2024, 0, 2) + 11644473600000) * 10000n, 24);
      entry.writeBigUInt64LE(BigInt(i * 1000), 40);
      entry.writeUInt32LE(name === 'sub' || name.startsWith('.') ? 0x10 : 0x20, 56);
      entry.writeUInt32LE(nameBytes.length, 60);
      nameBytes.copy(entry, 64);
      return entry;
    });
    const params = Buffer.alloc(10);
    params.writeUInt16LE(0x0042, 0); // SID
    params.writeUInt16LE(names.length, 2);
    params.writeUInt16LE(1, 4); // EndOfSearch
    const page = parseFindReply({ parameters: params, data: Buffer.concat(entries) }, true);
    expect(page.sid).toBe(0x42);
    expect(page.endOfSearch).toBe(true);
    expect(page.entries.map((e) => e.name)).toEqual(names);
    expect(page.entries[3]).toMatchObject({ name: '护士站.exe', resumeKey: 103, size: 3000, isDirectory: false, mtimeMs: Date.UTC(2024, 0, 2) });
    expect(page.entries[4]!.isDirectory).toBe(true);
  });
});

describe('SMB1 signing', () => {
  const key = Buffer.from('000102030405060708090a0b0c0d0e0f', 'hex');

  it('signs with MD5(key ‖ message with the sequence number in the signature field), first 8 bytes', () => {
    const message = encodeRequest({ command: Command.CLOSE, words: buildCloseRequest(3).words, bytes: Buffer.alloc(0) }, FIELDS);
    signMessage(key, message, 4);
    expect(verifyMessage(key, message, 4)).toBe(true);
    expect(verifyMessage(key, message, 6)).toBe(false);
    expect(verifyMessage(Buffer.alloc(16), message, 4)).toBe(false);
    message[40] = message[40]! ^ 1;
    expect(verifyMessage(key, message, 4)).toBe(false);
    // The signature field itself is not covered (it holds the sequence number while hashing).
    const copy = Buffer.from(message);
    copy.fill(0xee, 14, 22);
    expect(computeSignature(key, copy, 4)).toEqual(computeSignature(key, message, 4));
  });

  it('numbers requests 2, 4, 6 … after the logon (request 0, response 1)', () => {
    const state = new SigningState(key);
    expect([state.take(), state.take(), state.take()]).toEqual([2, 4, 6]);
  });
});
