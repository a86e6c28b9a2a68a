import { ANDX_NONE, Capability, Command, NT_LM_012 } from './constants';
import { bytesStart, unicodePad, unicodeZ, type Smb1Message, type Smb1Request } from './message';

/** NEGOTIATE, SESSION_SETUP_ANDX, TREE_CONNECT_ANDX, TREE_DISCONNECT and LOGOFF_ANDX (MS-CIFS 2.2.4, MS-SMB 2.2.4). */

/** NEGOTIATE offering only NT LM 0.12: this client speaks nothing else. */
export function buildNegotiateRequest(): Smb1Request {
  return { command: Command.NEGOTIATE, words: Buffer.alloc(0), bytes: Buffer.from(`\x02${NT_LM_012}\0`, 'latin1') };
}

export interface NegotiateResponse {
  /** Index of the dialect chosen; 0xFFFF: none of ours. */
  dialectIndex: number;
  securityMode: number;
  maxMpxCount: number;
  maxBufferSize: number;
  /** Echoed back in SESSION_SETUP_ANDX. */
  sessionKey: number;
  capabilities: number;
  /** Extended security: the server's SPNEGO hint (unused: we always offer NTLMSSP). */
  securityBlob: Buffer;
}

export function parseNegotiateResponse(message: Smb1Message): NegotiateResponse {
  const w = message.words;
  if (w.length >= 2 && w.readUInt16LE(0) === 0xffff) {
    return { dialectIndex: 0xffff, securityMode: 0, maxMpxCount: 1, maxBufferSize: 0, sessionKey: 0, capabilities: 0, securityBlob: Buffer.alloc(0) };
  }
  if (w.length < 34) throw new Error(`NEGOTIATE response with ${w.length / 2} words is not NT LM 0.12`);
  const capabilities = w.readUInt32LE(19);
  const extended = (capabilities & Capability.EXTENDED_SECURITY) !== 0;
  return {
    dialectIndex: w.readUInt16LE(0),
    securityMode: w[2]!,
    maxMpxCount: w.readUInt16LE(3),
    maxBufferSize: w.readUInt32LE(7),
    sessionKey: w.readUInt32LE(15),
    capabilities,
    securityBlob: extended && message.bytes.length > 16 ? Buffer.from(message.bytes.subarray(16)) : Buffer.alloc(0),
  };
}

/** What this client can do; CAP_LARGE_READX lets the server send reads larger than its buffer. */
export const CLIENT_CAPABILITIES =
  Capability.UNICODE | Capability.LARGE_FILES | Capability.NT_SMBS | Capability.STATUS32 | Capability.NT_FIND | Capability.LARGE_READX | Capability.EXTENDED_SECURITY;

/** Largest message we accept that is not a large READ_ANDX reply (a 16-bit field): fewer, larger replies. */
export const CLIENT_MAX_BUFFER = 0xffff;

/** SESSION_SETUP_ANDX, extended security form (12 words): carries one SPNEGO token. */
export function buildSessionSetupRequest(securityBlob: Buffer, serverSessionKey: number, maxMpx: number, maxBuffer = CLIENT_MAX_BUFFER): Smb1Request {
  const words = Buffer.alloc(24);
  words[0] = ANDX_NONE;
  words.writeUInt16LE(Math.min(maxBuffer, CLIENT_MAX_BUFFER), 4);
  words.writeUInt16LE(Math.max(1, Math.min(maxMpx, 0xffff)), 6);
  // VC 1, not 0: a VcNumber of 0 tells Windows to drop every other connection from this client.
  words.writeUInt16LE(1, 8);
  words.writeUInt32LE(serverSessionKey >>> 0, 10);
  words.writeUInt16LE(securityBlob.length, 14);
  words.writeUInt32LE(CLIENT_CAPABILITIES >>> 0, 20);
  const start = bytesStart(words.length);
  const pad = unicodePad(start + securityBlob.length);
  const bytes = Buffer.concat([securityBlob, pad, unicodeZ('Node.js'), unicodeZ('his-update-agent')]);
  return { command: Command.SESSION_SETUP_ANDX, words, bytes };
}

export interface SessionSetupResponse {
  action: number;
  securityBlob: Buffer;
}

export function parseSessionSetupResponse(message: Smb1Message): SessionSetupResponse {
  const w = message.words;
  if (w.length < 8) return { action: 0, securityBlob: Buffer.alloc(0) };
  const blobLength = w.readUInt16LE(6);
  if (blobLength > message.bytes.length) throw new Error('SESSION_SETUP_ANDX security blob runs past the message');
  return { action: w.readUInt16LE(4), securityBlob: Buffer.from(message.bytes.subarray(0, blobLength)) };
}

/** TREE_CONNECT_ANDX for `\\host\share`, user-level security (empty password), any service type. */
export function buildTreeConnectRequest(uncPath: string): Smb1Request {
  const words = Buffer.alloc(8);
  words[0] = ANDX_NONE;
  words.writeUInt16LE(1, 6); // PasswordLength: the single null byte below
  const start = bytesStart(words.length) + 1;
  const bytes = Buffer.concat([Buffer.alloc(1), unicodePad(start), unicodeZ(uncPath), Buffer.from('?????\0', 'latin1')]);
  return { command: Command.TREE_CONNECT_ANDX, words, bytes };
}

/** The service the share offers: "A:" for a disk share, "IPC" for named pipes, "LPT1:" for printers. */
export function parseTreeConnectService(message: Smb1Message): string {
  const end = message.bytes.indexOf(0);
  return message.bytes.toString('latin1', 0, end < 0 ? message.bytes.length : end);
}

export function buildTreeDisconnectRequest(): Smb1Request {
  return { command: Command.TREE_DISCONNECT, words: Buffer.alloc(0), bytes: Buffer.alloc(0) };
}

export function buildLogoffRequest(): Smb1Request {
  const words = Buffer.alloc(4);
  words[0] = ANDX_NONE;
  return { command: Command.LOGOFF_ANDX, words, bytes: Buffer.alloc(0) };
}
