import { describe, expect, it } from 'vitest';
import {
  buildAnonymousAuthenticateMessage,
  buildAuthenticateMessage,
  buildNegotiateMessage,
  computeNtlmv2,
  ntHash,
  NtlmFlag,
  ntowfv2,
  NtlmV1OnlyError,
  parseChallengeMessage,
} from '../../src/main/core/share/smb2/ntlm';
import { parseSessionSetupResponse } from '../../src/main/core/share/smb2/session-messages';
import { parseServerToken, wrapNegTokenInit, wrapNegTokenResp } from '../../src/main/core/share/smb2/spnego';

const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');

/** MS-NLMP 4.2.4: NTLMv2 authentication example values. */
const V = {
  user: 'User',
  domain: 'Domain',
  password: 'Password',
  serverChallenge: hex('0123456789abcdef'),
  clientChallenge: hex('aaaaaaaaaaaaaaaa'),
  time: Buffer.alloc(8),
  randomSessionKey: Buffer.alloc(16, 0x55),
  // AvNbDomainName "Domain", AvNbComputerName "Server", MsvAvEOL
  targetInfo: hex('02000c0044006f006d00610069006e0001000c0053006500720076006500720000000000'),
};

function challengeMessage(flags: number, targetInfo: Buffer): Buffer {
  const name = Buffer.from('Domain', 'utf16le');
  const out = Buffer.alloc(56 + name.length + targetInfo.length);
  out.write('NTLMSSP\0', 0, 'latin1');
  out.writeUInt32LE(2, 8);
  out.writeUInt16LE(name.length, 12);
  out.writeUInt16LE(name.length, 14);
  out.writeUInt32LE(56, 16);
  out.writeUInt32LE(flags >>> 0, 20);
  V.serverChallenge.copy(out, 24);
  out.writeUInt16LE(targetInfo.length, 40);
  out.writeUInt16LE(targetInfo.length, 42);
  out.writeUInt32LE(56 + name.length, 44);
  name.copy(out, 56);
  targetInfo.copy(out, 56 + name.length);
  return out;
}

function field(message: Buffer, offset: number): Buffer {
  const length = message.readUInt16LE(offset);
  const start = message.readUInt32LE(offset + 4);
  return message.subarray(start, start + length);
}

// MS-NLMP 4.2.4 flags: KEY_EXCH, 56, 128, VERSION, TARGET_INFO, EXTENDED_SESSIONSECURITY, ALWAYS_SIGN, NTLM, SEAL, SIGN, UNICODE …
const SERVER_FLAGS = 0xe28a8233;

describe('NTLMv2 (MS-NLMP 4.2.4 test vectors)', () => {
  it('NT hash and NTOWFv2', () => {
    expect(ntHash(V.password).toString('hex')).toBe('a4f49c406510bdcab6824ee7c30fd852');
    expect(ntowfv2(V.user, V.domain, V.password).toString('hex')).toBe('0c868a403bfd7a93a3001ef22ef02e3f');
  });

  it('the domain is part of the key (case-sensitive), the user name is not case-sensitive', () => {
    expect(ntowfv2('user', 'Domain', 'Password').equals(ntowfv2('User', 'Domain', 'Password'))).toBe(true);
    expect(ntowfv2('User', 'domain', 'Password').equals(ntowfv2('User', 'Domain', 'Password'))).toBe(false);
    expect(ntowfv2('User', '', 'Password').equals(ntowfv2('User', 'Domain', 'Password'))).toBe(false);
  });

  it('LMv2 and NTLMv2 responses and the session base key', () => {
    const r = computeNtlmv2(ntowfv2(V.user, V.domain, V.password), V.serverChallenge, V.clientChallenge, V.time, V.targetInfo);
    expect(r.lmChallengeResponse.toString('hex')).toBe('86c35097ac9cec102554764a57cccc19aaaaaaaaaaaaaaaa');
    expect(r.ntChallengeResponse.toString('hex')).toBe(
      '68cd0ab851e51c96aabc927bebef6a1c' +
        '01010000000000000000000000000000aaaaaaaaaaaaaaaa00000000' +
        '02000c0044006f006d00610069006e0001000c0053006500720076006500720000000000' +
        '00000000',
    );
    expect(r.sessionBaseKey.toString('hex')).toBe('8de40ccadbc14a82f15cb0ad0de95ca3');
  });

  it('builds an AUTHENTICATE message carrying those values and the RC4-wrapped session key', () => {
    const challenge = parseChallengeMessage(challengeMessage(SERVER_FLAGS, V.targetInfo));
    expect(challenge.serverChallenge.equals(V.serverChallenge)).toBe(true);
    expect(challenge.targetName).toBe('Domain');
    const { message, sessionKey } = buildAuthenticateMessage(
      challenge,
      { user: V.user, domain: V.domain, password: V.password, workstation: 'COMPUTER' },
      { clientChallenge: V.clientChallenge, timestamp: V.time, exportedSessionKey: V.randomSessionKey },
    );
    expect(message.subarray(0, 12).toString('hex')).toBe('4e544c4d5353500003000000');
    expect(field(message, 12).toString('hex')).toBe('86c35097ac9cec102554764a57cccc19aaaaaaaaaaaaaaaa');
    expect(field(message, 20).subarray(0, 16).toString('hex')).toBe('68cd0ab851e51c96aabc927bebef6a1c');
    expect(field(message, 28).toString('utf16le')).toBe('Domain');
    expect(field(message, 36).toString('utf16le')).toBe('User');
    expect(field(message, 44).toString('utf16le')).toBe('COMPUTER');
    expect(field(message, 52).toString('hex')).toBe('c5dad2544fc9799094ce1ce90bc9d03e');
    expect(sessionKey!.equals(V.randomSessionKey)).toBe(true);
    const flags = message.readUInt32LE(60);
    expect(flags & NtlmFlag.KEY_EXCH).toBeTruthy();
    expect(flags & NtlmFlag.EXTENDED_SESSIONSECURITY).toBeTruthy();
    expect(flags & NtlmFlag.LM_KEY).toBe(0);
  });

  it('without KEY_EXCH the session key is the session base key', () => {
    const challenge = parseChallengeMessage(challengeMessage(SERVER_FLAGS & ~NtlmFlag.KEY_EXCH, V.targetInfo));
    const { message, sessionKey } = buildAuthenticateMessage(challenge, V, { clientChallenge: V.clientChallenge, timestamp: V.time });
    expect(sessionKey!.toString('hex')).toBe('8de40ccadbc14a82f15cb0ad0de95ca3');
    expect(field(message, 52)).toHaveLength(0);
  });

  it('uses the server timestamp and sends Z(24) as LM response when the server sent MsvAvTimestamp', () => {
    const timestamp = hex('a1a1f5adcbaed001');
    const withTime = Buffer.concat([V.targetInfo.subarray(0, V.targetInfo.length - 4), hex('07000800'), timestamp, hex('00000000')]);
    const challenge = parseChallengeMessage(challengeMessage(SERVER_FLAGS, withTime));
    expect(challenge.timestamp!.equals(timestamp)).toBe(true);
    const { message } = buildAuthenticateMessage(challenge, V);
    expect(field(message, 12).equals(Buffer.alloc(24))).toBe(true);
    expect(field(message, 20).subarray(24, 32).equals(timestamp)).toBe(true);
  });

  it('refuses to answer an NTLMv1-only challenge (no target info) instead of falling back to NTLMv1', () => {
    const challenge = parseChallengeMessage(challengeMessage(SERVER_FLAGS & ~NtlmFlag.TARGET_INFO, Buffer.alloc(0)));
    expect(() => buildAuthenticateMessage(challenge, V)).toThrow(NtlmV1OnlyError);
  });

  it('anonymous AUTHENTICATE: empty user and NT response, Z(1) LM response, no session key', () => {
    const challenge = parseChallengeMessage(challengeMessage(SERVER_FLAGS, V.targetInfo));
    const { message, sessionKey } = buildAnonymousAuthenticateMessage(challenge);
    expect(sessionKey).toBeNull();
    expect(field(message, 12).equals(Buffer.alloc(1))).toBe(true);
    expect(field(message, 20)).toHaveLength(0);
    expect(field(message, 36)).toHaveLength(0);
    expect(message.readUInt32LE(60) & NtlmFlag.ANONYMOUS).toBeTruthy();
  });

  it('NEGOTIATE asks for NTLMv2-era features and never for LM', () => {
    const negotiate = buildNegotiateMessage();
    const flags = negotiate.readUInt32LE(12);
    expect(negotiate.readUInt32LE(8)).toBe(1);
    expect(flags & NtlmFlag.EXTENDED_SESSIONSECURITY).toBeTruthy();
    expect(flags & NtlmFlag.LM_KEY).toBe(0);
  });
});

describe('SPNEGO', () => {
  it('parses a Windows SESSION_SETUP response (Microsoft pre-auth integrity vector) down to the NTLM CHALLENGE', () => {
    const response = hex(
      'FE534D4240000100160000C00100010001000000000000000200000000000000FFFE000000000000' +
        '190000000010000000000000000000000000000000000000090000004800B300A181B03081ADA003' +
        '0A0101A10C060A2B06010401823702020AA281970481944E544C4D53535000020000000C000C0038' +
        '00000015828AE20D1D8BA31179D008000000000000000050005000440000000A0092270000000F53' +
        '005500540033003100310002000C0053005500540033003100310001000C00530055005400330031' +
        '00310004000C0053005500540033003100310003000C0053005500540033003100310007000800A1' +
        'A1F5ADCBAED00100000000',
    );
    const token = parseServerToken(parseSessionSetupResponse(response).securityBlob);
    expect(token.negState).toBe(1); // accept-incomplete
    const challenge = parseChallengeMessage(token.responseToken!);
    expect(challenge.targetName).toBe('SUT311');
    expect(challenge.serverChallenge.toString('hex')).toBe('0d1d8ba31179d008');
    expect(challenge.timestamp!.toString('hex')).toBe('a1a1f5adcbaed001');
    expect(challenge.flags >>> 0).toBe(0xe28a8215);
  });

  it('wraps tokens in DER that its own parser and the GSS framing agree on', () => {
    const init = wrapNegTokenInit(buildNegotiateMessage());
    expect(init[0]).toBe(0x60);
    expect(init.includes(Buffer.from('2b0601050502', 'hex'))).toBe(true); // SPNEGO OID
    expect(init.includes(Buffer.from('2b06010401823702020a', 'hex'))).toBe(true); // NTLMSSP OID
    const big = Buffer.alloc(70_000, 7); // long-form lengths
    const resp = wrapNegTokenResp(big);
    expect(parseServerToken(resp).responseToken!.equals(big)).toBe(true);
    expect(parseServerToken(Buffer.from('NTLMSSP\0rest', 'latin1')).responseToken!.toString('latin1')).toBe('NTLMSSP\0rest');
    expect(() => parseServerToken(hex('a1 05 30'))).toThrow();
  });
});
