import crypto from 'node:crypto';
import {
  Capability,
  Cipher,
  Dialect,
  HASH_SHA512,
  HEADER_SIZE,
  NegotiateContextType,
  SecurityMode,
  SigningAlgorithm,
  type CipherId,
  type SigningAlgorithmId,
} from './constants';

/** SMB2 NEGOTIATE request/response bodies (MS-SMB2 2.2.3, 2.2.4) with SMB 3.1.1 negotiate contexts. */

export interface NegotiateRequestOptions {
  dialects: number[];
  clientGuid?: Buffer;
  /** Ciphers to offer in 3.1.1, most preferred first. */
  ciphers?: CipherId[];
  /** Signing algorithms to offer in 3.1.1, most preferred first. */
  signingAlgorithms?: SigningAlgorithmId[];
  requireSigning?: boolean;
}

export const DEFAULT_CIPHERS: CipherId[] = [Cipher.AES_128_GCM, Cipher.AES_128_CCM, Cipher.AES_256_GCM, Cipher.AES_256_CCM];
export const DEFAULT_SIGNING: SigningAlgorithmId[] = [SigningAlgorithm.AES_GMAC, SigningAlgorithm.AES_CMAC, SigningAlgorithm.HMAC_SHA256];

export function buildNegotiateRequest(options: NegotiateRequestOptions): Buffer {
  const dialects = options.dialects;
  const with311 = dialects.includes(Dialect.SMB311);
  const fixed = 36;
  const dialectsEnd = HEADER_SIZE + fixed + dialects.length * 2;
  const contexts = with311 ? negotiateContexts(options) : [];
  const contextsStart = align8(dialectsEnd);
  let size = fixed + dialects.length * 2;
  if (contexts.length) size = contextsStart - HEADER_SIZE + contexts.reduce((n, c, i) => n + (i < contexts.length - 1 ? align8(c.length) : c.length), 0);
  const body = Buffer.alloc(size);
  body.writeUInt16LE(36, 0);
  body.writeUInt16LE(dialects.length, 2);
  body.writeUInt16LE(SecurityMode.SIGNING_ENABLED | (options.requireSigning ? SecurityMode.SIGNING_REQUIRED : 0), 4);
  // ENCRYPTION is the 3.0/3.0.2 way to offer encryption; 3.1.1 uses the context instead.
  body.writeUInt32LE(Capability.LARGE_MTU | Capability.ENCRYPTION, 8);
  (options.clientGuid ?? crypto.randomBytes(16)).copy(body, 12);
  if (contexts.length) {
    body.writeUInt32LE(contextsStart, 28);
    body.writeUInt16LE(contexts.length, 32);
  }
  dialects.forEach((d, i) => body.writeUInt16LE(d, fixed + i * 2));
  let pos = contextsStart - HEADER_SIZE;
  for (const ctx of contexts) {
    ctx.copy(body, pos);
    pos += align8(ctx.length);
  }
  return body;
}

function negotiateContexts(options: NegotiateRequestOptions): Buffer[] {
  const salt = crypto.randomBytes(32);
  const preauth = Buffer.alloc(6 + salt.length);
  preauth.writeUInt16LE(1, 0); // HashAlgorithmCount
  preauth.writeUInt16LE(salt.length, 2);
  preauth.writeUInt16LE(HASH_SHA512, 4);
  salt.copy(preauth, 6);

  const ciphers = options.ciphers ?? DEFAULT_CIPHERS;
  const encryption = Buffer.alloc(2 + ciphers.length * 2);
  encryption.writeUInt16LE(ciphers.length, 0);
  ciphers.forEach((c, i) => encryption.writeUInt16LE(c, 2 + i * 2));

  const algorithms = options.signingAlgorithms ?? DEFAULT_SIGNING;
  const signing = Buffer.alloc(2 + algorithms.length * 2);
  signing.writeUInt16LE(algorithms.length, 0);
  algorithms.forEach((a, i) => signing.writeUInt16LE(a, 2 + i * 2));

  return [
    context(NegotiateContextType.PREAUTH_INTEGRITY_CAPABILITIES, preauth),
    ...(ciphers.length ? [context(NegotiateContextType.ENCRYPTION_CAPABILITIES, encryption)] : []),
    context(NegotiateContextType.SIGNING_CAPABILITIES, signing),
  ];
}

function context(type: number, data: Buffer): Buffer {
  const out = Buffer.alloc(8 + data.length);
  out.writeUInt16LE(type, 0);
  out.writeUInt16LE(data.length, 2);
  data.copy(out, 8);
  return out;
}

const align8 = (n: number) => (n + 7) & ~7;

export interface NegotiateResponse {
  securityMode: number;
  dialect: number;
  serverGuid: Buffer;
  capabilities: number;
  maxTransactSize: number;
  maxReadSize: number;
  maxWriteSize: number;
  securityBlob: Buffer;
  /** 3.1.1 only: chosen cipher (0 = none in common) and signing algorithm. */
  cipher: CipherId | 0;
  signingAlgorithm: SigningAlgorithmId | null;
  preauthHashAlgorithm: number | null;
}

/** Parses a NEGOTIATE response; `message` is the whole SMB2 message (offsets count from its header). */
export function parseNegotiateResponse(message: Buffer): NegotiateResponse {
  const body = message.subarray(HEADER_SIZE);
  if (body.length < 64 || body.readUInt16LE(0) !== 65) throw new Error('malformed NEGOTIATE response');
  const dialect = body.readUInt16LE(4);
  const blobOffset = body.readUInt16LE(56);
  const blobLength = body.readUInt16LE(58);
  const result: NegotiateResponse = {
    securityMode: body.readUInt16LE(2),
    dialect,
    serverGuid: Buffer.from(body.subarray(8, 24)),
    capabilities: body.readUInt32LE(24),
    maxTransactSize: body.readUInt32LE(28),
    maxReadSize: body.readUInt32LE(32),
    maxWriteSize: body.readUInt32LE(36),
    securityBlob: blobLength ? Buffer.from(message.subarray(blobOffset, blobOffset + blobLength)) : Buffer.alloc(0),
    cipher: 0,
    signingAlgorithm: null,
    preauthHashAlgorithm: null,
  };
  if (dialect === Dialect.SMB311) {
    const count = body.readUInt16LE(6);
    let pos = body.readUInt32LE(60);
    for (let i = 0; i < count && pos + 8 <= message.length; i++) {
      const type = message.readUInt16LE(pos);
      const length = message.readUInt16LE(pos + 2);
      const data = message.subarray(pos + 8, pos + 8 + length);
      if (type === NegotiateContextType.PREAUTH_INTEGRITY_CAPABILITIES && data.length >= 6) result.preauthHashAlgorithm = data.readUInt16LE(4);
      if (type === NegotiateContextType.ENCRYPTION_CAPABILITIES && data.length >= 4) result.cipher = data.readUInt16LE(2) as CipherId | 0;
      if (type === NegotiateContextType.SIGNING_CAPABILITIES && data.length >= 4) result.signingAlgorithm = data.readUInt16LE(2) as SigningAlgorithmId;
      pos = align8(pos + 8 + length);
    }
  }
  return result;
}
