import crypto from 'node:crypto';
import { md4 } from './crypto/md4';
import { rc4 } from './crypto/rc4';

/** NTLMSSP (MS-NLMP) client side: NEGOTIATE → CHALLENGE → AUTHENTICATE, NTLMv2 only. */

const SIGNATURE = Buffer.from('NTLMSSP\0', 'latin1');

export const NtlmFlag = {
  UNICODE: 0x00000001,
  REQUEST_TARGET: 0x00000004,
  SIGN: 0x00000010,
  SEAL: 0x00000020,
  LM_KEY: 0x00000080,
  NTLM: 0x00000200,
  ANONYMOUS: 0x00000800,
  ALWAYS_SIGN: 0x00008000,
  EXTENDED_SESSIONSECURITY: 0x00080000,
  TARGET_INFO: 0x00800000,
  VERSION: 0x02000000,
  N128: 0x20000000,
  KEY_EXCH: 0x40000000,
  N56: 0x80000000,
} as const;

const CLIENT_FLAGS =
  NtlmFlag.UNICODE |
  NtlmFlag.REQUEST_TARGET |
  NtlmFlag.SIGN |
  NtlmFlag.NTLM |
  NtlmFlag.ALWAYS_SIGN |
  NtlmFlag.EXTENDED_SESSIONSECURITY |
  NtlmFlag.VERSION |
  NtlmFlag.N128 |
  NtlmFlag.KEY_EXCH |
  NtlmFlag.N56;

const AV_EOL = 0x0000;
const AV_TIMESTAMP = 0x0007;

/** Windows 10 version block; informational only. */
const VERSION = Buffer.from([10, 0, 0x61, 0x4a, 0, 0, 0, 0x0f]);

export function buildNegotiateMessage(): Buffer {
  const out = Buffer.alloc(40);
  SIGNATURE.copy(out, 0);
  out.writeUInt32LE(1, 8);
  out.writeUInt32LE(CLIENT_FLAGS >>> 0, 12);
  // Domain and workstation fields empty (offset = end of the fixed part).
  out.writeUInt32LE(40, 20);
  out.writeUInt32LE(40, 28);
  VERSION.copy(out, 32);
  return out;
}

export interface NtlmChallenge {
  flags: number;
  serverChallenge: Buffer;
  targetName: string;
  /** AV pairs as sent by the server, echoed into the NTLMv2 response. */
  targetInfo: Buffer;
  /** MsvAvTimestamp, when the server sent one. */
  timestamp: Buffer | null;
}

export function parseChallengeMessage(message: Buffer): NtlmChallenge {
  if (message.length < 32 || !message.subarray(0, 8).equals(SIGNATURE) || message.readUInt32LE(8) !== 2) {
    throw new Error('not an NTLM CHALLENGE message');
  }
  const field = (offset: number): Buffer => {
    const length = message.readUInt16LE(offset);
    const start = message.readUInt32LE(offset + 4);
    if (length === 0) return Buffer.alloc(0);
    if (start + length > message.length) throw new Error('NTLM CHALLENGE field out of bounds');
    return message.subarray(start, start + length);
  };
  const flags = message.readUInt32LE(20);
  const targetInfo = message.length >= 48 && flags & NtlmFlag.TARGET_INFO ? field(40) : Buffer.alloc(0);
  let timestamp: Buffer | null = null;
  for (let pos = 0; pos + 4 <= targetInfo.length; ) {
    const id = targetInfo.readUInt16LE(pos);
    const len = targetInfo.readUInt16LE(pos + 2);
    if (id === AV_EOL) break;
    if (id === AV_TIMESTAMP && len === 8) timestamp = Buffer.from(targetInfo.subarray(pos + 4, pos + 12));
    pos += 4 + len;
  }
  const nameField = field(12);
  return {
    flags,
    serverChallenge: Buffer.from(message.subarray(24, 32)),
    targetName: flags & NtlmFlag.UNICODE ? nameField.toString('utf16le') : nameField.toString('latin1'),
    targetInfo: Buffer.from(targetInfo),
    timestamp,
  };
}

export const ntHash = (password: string): Buffer => md4(Buffer.from(password, 'utf16le'));

/** NTOWFv2: HMAC-MD5 keyed by the NT hash over UPPER(user) + domain, both UTF-16LE. */
export function ntowfv2(user: string, domain: string, password: string): Buffer {
  return hmacMd5(ntHash(password), Buffer.from(user.toUpperCase() + domain, 'utf16le'));
}

export interface Ntlmv2Result {
  ntChallengeResponse: Buffer;
  lmChallengeResponse: Buffer;
  sessionBaseKey: Buffer;
}

/** MS-NLMP 3.3.2 ComputeResponse for NTLMv2. */
export function computeNtlmv2(
  responseKey: Buffer,
  serverChallenge: Buffer,
  clientChallenge: Buffer,
  timestamp: Buffer,
  targetInfo: Buffer,
): Ntlmv2Result {
  const temp = Buffer.concat([
    Buffer.from([1, 1, 0, 0, 0, 0, 0, 0]),
    timestamp,
    clientChallenge,
    Buffer.alloc(4),
    targetInfo,
    Buffer.alloc(4),
  ]);
  const ntProof = hmacMd5(responseKey, Buffer.concat([serverChallenge, temp]));
  return {
    ntChallengeResponse: Buffer.concat([ntProof, temp]),
    lmChallengeResponse: Buffer.concat([hmacMd5(responseKey, Buffer.concat([serverChallenge, clientChallenge])), clientChallenge]),
    sessionBaseKey: hmacMd5(responseKey, ntProof),
  };
}

export interface NtlmCredentials {
  user: string;
  domain: string;
  password: string;
  workstation?: string;
}

export interface AuthenticateResult {
  message: Buffer;
  /** The key SMB derives its signing/encryption keys from; null for anonymous logons. */
  sessionKey: Buffer | null;
}

/** Thrown when the server's CHALLENGE allows only LM/NTLMv1, which this client refuses to send. */
export class NtlmV1OnlyError extends Error {}

export interface AuthenticateOptions {
  /** Fixed values for test vectors; random/current otherwise. */
  clientChallenge?: Buffer;
  timestamp?: Buffer;
  exportedSessionKey?: Buffer;
}

export function buildAuthenticateMessage(challenge: NtlmChallenge, creds: NtlmCredentials, options: AuthenticateOptions = {}): AuthenticateResult {
  // NTLMv2 needs the server's AV pairs; a CHALLENGE without them comes from an LM/NTLMv1-era server.
  if (!(challenge.flags & NtlmFlag.TARGET_INFO) || challenge.targetInfo.length === 0) {
    throw new NtlmV1OnlyError('the server offers only LM/NTLMv1 (no NTLMv2 target information in its CHALLENGE)');
  }
  const responseKey = ntowfv2(creds.user, creds.domain, creds.password);
  const clientChallenge = options.clientChallenge ?? crypto.randomBytes(8);
  const timestamp = options.timestamp ?? challenge.timestamp ?? fileTimeNow();
  const v2 = computeNtlmv2(responseKey, challenge.serverChallenge, clientChallenge, timestamp, challenge.targetInfo);
  // With a server timestamp, MS-NLMP 3.1.5.1.2 says to send Z(24) instead of the LMv2 response.
  const lm = challenge.timestamp && !options.timestamp ? Buffer.alloc(24) : v2.lmChallengeResponse;

  const flags = negotiatedFlags(challenge.flags);
  let sessionKey: Buffer = v2.sessionBaseKey; // KeyExchangeKey = SessionBaseKey for NTLMv2
  let encryptedKey: Buffer = Buffer.alloc(0);
  if (flags & NtlmFlag.KEY_EXCH) {
    const exported = options.exportedSessionKey ?? crypto.randomBytes(16);
    encryptedKey = rc4(v2.sessionBaseKey, exported);
    sessionKey = exported;
  }
  const message = assembleAuthenticate(flags, {
    lm,
    nt: v2.ntChallengeResponse,
    domain: Buffer.from(creds.domain, 'utf16le'),
    user: Buffer.from(creds.user, 'utf16le'),
    workstation: Buffer.from(creds.workstation ?? '', 'utf16le'),
    encryptedKey,
  });
  return { message, sessionKey };
}

/** Anonymous (null session) AUTHENTICATE: empty user, empty NT response, Z(1) LM response. */
export function buildAnonymousAuthenticateMessage(challenge: NtlmChallenge): AuthenticateResult {
  const flags = (negotiatedFlags(challenge.flags) | NtlmFlag.ANONYMOUS) & ~NtlmFlag.KEY_EXCH & ~NtlmFlag.SIGN;
  const message = assembleAuthenticate(flags >>> 0, {
    lm: Buffer.alloc(1),
    nt: Buffer.alloc(0),
    domain: Buffer.alloc(0),
    user: Buffer.alloc(0),
    workstation: Buffer.alloc(0),
    encryptedKey: Buffer.alloc(0),
  });
  return { message, sessionKey: null };
}

function negotiatedFlags(serverFlags: number): number {
  return ((serverFlags & CLIENT_FLAGS) | NtlmFlag.UNICODE) >>> 0;
}

function assembleAuthenticate(
  flags: number,
  parts: { lm: Buffer; nt: Buffer; domain: Buffer; user: Buffer; workstation: Buffer; encryptedKey: Buffer },
): Buffer {
  const fixed = 72; // header with Version, without MIC (no MsvAvFlags MIC bit is claimed)
  const order = [parts.lm, parts.nt, parts.domain, parts.user, parts.workstation, parts.encryptedKey];
  const out = Buffer.alloc(fixed + order.reduce((n, b) => n + b.length, 0));
  SIGNATURE.copy(out, 0);
  out.writeUInt32LE(3, 8);
  let offset = fixed;
  order.forEach((buf, i) => {
    const at = 12 + i * 8;
    out.writeUInt16LE(buf.length, at);
    out.writeUInt16LE(buf.length, at + 2);
    out.writeUInt32LE(offset, at + 4);
    buf.copy(out, offset);
    offset += buf.length;
  });
  out.writeUInt32LE(flags >>> 0, 60);
  VERSION.copy(out, 64);
  return out;
}

function hmacMd5(key: Buffer, data: Buffer): Buffer {
  return crypto.createHmac('md5', key).update(data).digest();
}

/** Current time as a Windows FILETIME (100 ns since 1601), 8 bytes little-endian. */
function fileTimeNow(): Buffer {
  const out = Buffer.alloc(8);
  out.writeBigUInt64LE((BigInt(Date.now()) + 11644473600000n) * 10000n);
  return out;
}
