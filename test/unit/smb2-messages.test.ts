import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { AgentError } from '../../src/main/core/errors/agent-error';
import { Cipher, Dialect } from '../../src/main/core/share/smb2/constants';
import { parseDirectoryEntries, fileTimeToMs } from '../../src/main/core/share/smb2/file-messages';
import { FrameDecoder, frameHeader } from '../../src/main/core/share/smb2/framing';
import { splitCompound } from '../../src/main/core/share/smb2/header';
import { buildNegotiateRequest, parseNegotiateResponse } from '../../src/main/core/share/smb2/negotiate';
import { describeNtStatus, NtStatus, ntStatusToAgentError } from '../../src/main/core/share/smb2/ntstatus';

const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');

function frames(count: number): { wire: Buffer; messages: Buffer[] } {
  const messages = Array.from({ length: count }, (_, i) => crypto.randomBytes(i % 3 === 0 ? 300_000 + i : 1 + ((i * 977) % 5000)));
  return { wire: Buffer.concat(messages.flatMap((m) => [frameHeader(m.length), m])), messages };
}

describe('transport framing', () => {
  it('reassembles frames from arbitrarily split chunks (push)', () => {
    const { wire, messages } = frames(12);
    for (const size of [1, 3, 4, 5, 1000, 65536, wire.length]) {
      const out: Buffer[] = [];
      const decoder = new FrameDecoder((f) => out.push(Buffer.from(f)));
      for (let pos = 0; pos < wire.length; pos += size) decoder.push(wire.subarray(pos, pos + size));
      expect(out.map((b) => b.toString('hex'))).toEqual(messages.map((b) => b.toString('hex')));
    }
  });

  it('reassembles frames read straight into its buffers (socket onread path)', () => {
    const { wire, messages } = frames(12);
    for (const limit of [7, 4096, 1 << 20]) {
      const out: Buffer[] = [];
      const decoder = new FrameDecoder((f) => out.push(f), 64 * 1024);
      let pos = 0;
      while (pos < wire.length) {
        const target = decoder.readInto();
        const n = Math.min(target.length, limit, wire.length - pos);
        wire.copy(target, 0, pos, pos + n);
        pos += n;
        decoder.onRead(n);
      }
      // Frames delivered from the reused scratch buffer must have been copied out.
      expect(out.map((b) => b.toString('hex'))).toEqual(messages.map((b) => b.toString('hex')));
    }
  });

  it('rejects a non-zero first length byte (not an SMB direct-TCP stream)', () => {
    const decoder = new FrameDecoder(() => undefined);
    expect(() => decoder.push(Buffer.from('HTTP/1.1 400', 'latin1'))).toThrow(/transport header/);
  });

  it('splits compound responses on NextCommand', () => {
    const a = Buffer.alloc(72);
    a.write('fe534d42', 0, 'hex');
    a.writeUInt32LE(72, 20);
    const b = Buffer.alloc(80);
    b.write('fe534d42', 0, 'hex');
    expect(splitCompound(Buffer.concat([a, b])).map((m) => m.length)).toEqual([72, 80]);
  });
});

describe('NEGOTIATE', () => {
  it('lays out dialects and 8-byte aligned 3.1.1 negotiate contexts', () => {
    const body = buildNegotiateRequest({ dialects: [0x0202, 0x0210, 0x0300, 0x0302, 0x0311] });
    const message = Buffer.concat([Buffer.alloc(64), body]);
    expect(body.readUInt16LE(0)).toBe(36);
    expect(body.readUInt16LE(2)).toBe(5);
    const offset = body.readUInt32LE(28);
    expect(offset % 8).toBe(0);
    expect(body.readUInt16LE(32)).toBe(3);
    const types: number[] = [];
    for (let pos = offset, i = 0; i < 3; i++) {
      types.push(message.readUInt16LE(pos));
      pos = (pos + 8 + message.readUInt16LE(pos + 2) + 7) & ~7;
    }
    expect(types).toEqual([1, 2, 8]); // preauth, encryption, signing
  });

  it('parses a Windows SMB 3.1.1 NEGOTIATE response (Microsoft pre-auth integrity vector)', () => {
    const response = parseNegotiateResponse(
      hex(
        'FE534D4240000100000000000000010001000000000000000100000000000000FFFE000000000000' +
          '000000000000000000000000000000000000000000000000410001001103020039CBCAF329714942' +
          'BDCE5D60F09AB3FB2F000000000080000000800000008000D8DAE5ADCBAED00109094AB095AED001' +
          '80004001C00100006082013C06062B0601050502A08201303082012CA01A3018060A2B0601040182' +
          '3702021E060A2B06010401823702020AA282010C048201084E45474F455854530100000000000000' +
          '60000000700000007C7CC0FD06D6362D02DDE1CF343BFE292900F49750B4AA97934D9C4296B26E51' +
          'FD370471B235E15A50DAE15BD5489C87000000000000000060000000010000000000000000000000' +
          '5C33530DEAF90D4DB2EC4AE3786EC3084E45474F4558545303000000010000004000000098000000' +
          '7C7CC0FD06D6362D02DDE1CF343BFE295C33530DEAF90D4DB2EC4AE3786EC3084000000058000000' +
          '3056A05430523027802530233121301F06035504031318546F6B656E205369676E696E6720507562' +
          '6C6963204B65793027802530233121301F06035504031318546F6B656E205369676E696E67205075' +
          '626C6963204B6579010026000000000001002000010060A3C3B95C3C7CCD51EC536648D9B3AC74C4' +
          '83CA5B65385A251117BEB30712E50000020004000000000001000200',
      ),
    );
    expect(response.dialect).toBe(Dialect.SMB311);
    expect(response.securityMode).toBe(1);
    expect(response.maxReadSize).toBe(0x800000);
    expect(response.preauthHashAlgorithm).toBe(1);
    expect(response.cipher).toBe(Cipher.AES_128_GCM);
    expect(response.signingAlgorithm).toBeNull(); // Windows 10 TP did not know signing contexts yet
    expect(response.securityBlob.subarray(0, 2).toString('hex')).toBe('6082');
  });
});

describe('QUERY_DIRECTORY entries', () => {
  it('walks the FileDirectoryInformation chain', () => {
    const entry = (name: string, size: number, dir: boolean, last: boolean) => {
      const nameBytes = Buffer.from(name, 'utf16le');
      const out = Buffer.alloc((64 + nameBytes.length + 7) & ~7);
      out.writeUInt32LE(last ? 0 : out.length, 0);
      out.writeBigUInt64LE(133000000000000000n, 24);
      out.writeBigUInt64LE(BigInt(size), 40);
      out.writeUInt32LE(dir ? 0x10 : 0x20, 56);
      out.writeUInt32LE(nameBytes.length, 60);
      nameBytes.copy(out, 64);
      return out;
    };
    const buffer = Buffer.concat([entry('.', 0, true, false), entry('医院.dll', 1234, false, false), entry('sub', 0, true, true)]);
    const body = Buffer.alloc(8);
    body.writeUInt16LE(9, 0);
    body.writeUInt16LE(72, 2);
    body.writeUInt32LE(buffer.length, 4);
    const list = parseDirectoryEntries(Buffer.concat([Buffer.alloc(64), body, buffer]));
    expect(list.map((e) => [e.name, e.size, e.isDirectory])).toEqual([
      ['.', 0, true],
      ['医院.dll', 1234, false],
      ['sub', 0, true],
    ]);
    expect(list[1]!.mtimeMs).toBe(fileTimeToMs(133000000000000000n));
    expect(new Date(fileTimeToMs(133000000000000000n)).toISOString()).toBe('2022-06-18T04:26:40.000Z');
  });
});

describe('NTSTATUS → share catalog', () => {
  const ctx = { host: 'his-fs', share: '\\\\his-fs\\update\\nurse', user: 'HOSP\\hisupd', file: 'bin/his.exe', operation: 'CREATE' };
  it.each([
    [NtStatus.LOGON_FAILURE, 'SHARE_LOGON_FAILED'],
    [NtStatus.WRONG_PASSWORD, 'SHARE_LOGON_FAILED'],
    [NtStatus.BAD_NETWORK_NAME, 'SHARE_NOT_FOUND'],
    [NtStatus.OBJECT_NAME_NOT_FOUND, 'SHARE_FILE_MISSING'],
    [NtStatus.OBJECT_PATH_NOT_FOUND, 'SHARE_FILE_MISSING'],
    [NtStatus.ACCESS_DENIED, 'SHARE_ACCESS_DENIED'],
    [NtStatus.ACCOUNT_LOCKED_OUT, 'SHARE_ACCOUNT_LOCKED'],
    [NtStatus.ACCOUNT_DISABLED, 'SHARE_ACCOUNT_DISABLED'],
    [NtStatus.PASSWORD_EXPIRED, 'SHARE_PASSWORD_EXPIRED'],
    [NtStatus.PASSWORD_MUST_CHANGE, 'SHARE_PASSWORD_EXPIRED'],
    [NtStatus.SHARING_VIOLATION, 'SHARE_FILE_BUSY'],
    [NtStatus.NETWORK_NAME_DELETED, 'SHARE_CONNECTION_CLOSED'],
    [0xc0001234, 'SHARE_PROTOCOL_ERROR'],
  ].map(([status, code]) => ({ status: status as number, code: code as string, name: describeNtStatus(status as number) })))('$name → $code', ({ status, code }) => {
    const error = ntStatusToAgentError(status, ctx);
    expect(error).toBeInstanceOf(AgentError);
    expect(error.code).toBe(code);
    expect(error.detail).toContain(describeNtStatus(status));
    expect(error.zh).not.toMatch(/\{\w+\}/);
  });

  it('keeps the raw name and hex in detail and names the user, file and share in the message', () => {
    const logon = ntStatusToAgentError(NtStatus.LOGON_FAILURE, ctx);
    expect(logon.detail).toContain('STATUS_LOGON_FAILURE (0xC000006D)');
    expect(logon.zh).toContain('HOSP\\hisupd');
    expect(ntStatusToAgentError(NtStatus.OBJECT_NAME_NOT_FOUND, ctx).zh).toContain('bin/his.exe');
  });

  it('ACCESS_DENIED on a session that could not encrypt becomes SHARE_ENCRYPTION_REQUIRED, elsewhere not', () => {
    expect(ntStatusToAgentError(NtStatus.ACCESS_DENIED, { ...ctx, operation: 'TREE_CONNECT', unencrypted: true }).code).toBe('SHARE_ENCRYPTION_REQUIRED');
    expect(ntStatusToAgentError(NtStatus.ACCESS_DENIED, { ...ctx, operation: 'CREATE', unencrypted: true }).code).toBe('SHARE_ACCESS_DENIED');
    expect(ntStatusToAgentError(NtStatus.ACCESS_DENIED, { ...ctx, operation: 'TREE_CONNECT' }).code).toBe('SHARE_ACCESS_DENIED');
  });
});
