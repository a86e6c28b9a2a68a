import { SMB1_MAGIC } from './constants';

/**
 * The SMB1 multi-protocol NEGOTIATE every Windows client opens with (MS-SMB2 3.2.4.2.1): offering
 * "NT LM 0.12", "SMB 2.002" and "SMB 2.???" makes an SMB1-only server (Windows Server 2003) answer in
 * SMB1 at once, where an SMB2 NEGOTIATE would be dropped or ignored by it.
 */
export const SMB1_DIALECTS = ['NT LM 0.12', 'SMB 2.002', 'SMB 2.???'];

export function buildSmb1Negotiate(): Buffer {
  const dialects = Buffer.concat(SMB1_DIALECTS.map((d) => Buffer.from(`\x02${d}\0`, 'latin1')));
  const out = Buffer.alloc(32 + 3 + dialects.length);
  out.writeUInt32LE(SMB1_MAGIC, 0);
  out[4] = 0x72; // SMB_COM_NEGOTIATE
  out[9] = 0x18; // case-insensitive, canonicalized paths
  out.writeUInt16LE(0xc801, 10); // Unicode, NT status codes, extended security, long names
  out.writeUInt16LE(0xfeff, 26); // PID
  out[32] = 0; // WordCount
  out.writeUInt16LE(dialects.length, 33);
  dialects.copy(out, 35);
  return out;
}

export interface Smb1NegotiateAnswer {
  /** Index into SMB1_DIALECTS chosen by the server, or -1 when none. */
  dialectIndex: number;
  signingEnabled: boolean;
  signingRequired: boolean;
}

/** Parses an SMB1 NEGOTIATE response (the server chose an SMB1 dialect). */
export function parseSmb1NegotiateResponse(message: Buffer): Smb1NegotiateAnswer {
  if (message.length < 35 || message.readUInt32LE(0) !== SMB1_MAGIC) throw new Error('not an SMB1 message');
  const wordCount = message[32]!;
  const dialectIndex = message.readUInt16LE(33);
  if (dialectIndex === 0xffff) return { dialectIndex: -1, signingEnabled: false, signingRequired: false };
  const securityMode = wordCount >= 17 && message.length > 35 ? message[35]! : 0;
  return { dialectIndex, signingEnabled: (securityMode & 0x04) !== 0, signingRequired: (securityMode & 0x08) !== 0 };
}
