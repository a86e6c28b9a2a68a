import crypto from 'node:crypto';
import { Cipher, SMB2_TRANSFORM_MAGIC, type CipherId } from './constants';

/** SMB2 TRANSFORM_HEADER (MS-SMB2 2.2.41): 52 bytes before the encrypted message. */
export const TRANSFORM_HEADER_SIZE = 52;
const AAD_OFFSET = 20; // the authenticated data is the header from Nonce to SessionId

const isGcm = (cipher: CipherId) => cipher === Cipher.AES_128_GCM || cipher === Cipher.AES_256_GCM;
const nonceLength = (cipher: CipherId) => (isGcm(cipher) ? 12 : 11);
const algorithmName = (cipher: CipherId, key: Buffer) => `aes-${key.length * 8}-${isGcm(cipher) ? 'gcm' : 'ccm'}` as crypto.CipherCCMTypes;

export interface EncryptParams {
  cipher: CipherId;
  key: Buffer;
  sessionId: bigint;
  /** 16-byte nonce field; only the first 11 (CCM) or 12 (GCM) bytes are used, the rest must be zero. */
  nonce: Buffer;
}

/** Wraps one plain SMB2 message (or a compound chain) into a transform header + ciphertext. */
export function encryptMessage(plain: Buffer, params: EncryptParams): Buffer {
  const out = Buffer.allocUnsafe(TRANSFORM_HEADER_SIZE + plain.length);
  out.writeUInt32LE(SMB2_TRANSFORM_MAGIC, 0);
  params.nonce.copy(out, 20, 0, 16);
  out.writeUInt32LE(plain.length, 36);
  out.writeUInt16LE(0, 40);
  out.writeUInt16LE(0x0001, 42); // Flags: Encrypted
  out.writeBigUInt64LE(params.sessionId, 44);
  const aad = out.subarray(AAD_OFFSET, TRANSFORM_HEADER_SIZE);
  const iv = params.nonce.subarray(0, nonceLength(params.cipher));
  const cipher = crypto.createCipheriv(algorithmName(params.cipher, params.key), params.key, iv, { authTagLength: 16 });
  cipher.setAAD(aad, { plaintextLength: plain.length });
  const encrypted = cipher.update(plain);
  encrypted.copy(out, TRANSFORM_HEADER_SIZE);
  cipher.final();
  cipher.getAuthTag().copy(out, 4);
  return out;
}

export interface TransformHeader {
  signature: Buffer;
  nonce: Buffer;
  originalSize: number;
  flags: number;
  sessionId: bigint;
}

export function parseTransformHeader(frame: Buffer): TransformHeader {
  if (frame.length < TRANSFORM_HEADER_SIZE || frame.readUInt32LE(0) !== SMB2_TRANSFORM_MAGIC) throw new Error('not an SMB2 transform message');
  return {
    signature: frame.subarray(4, 20),
    nonce: frame.subarray(20, 36),
    originalSize: frame.readUInt32LE(36),
    flags: frame.readUInt16LE(42),
    sessionId: frame.readBigUInt64LE(44),
  };
}

/** Decrypts and authenticates one transform message; throws when the tag does not match. */
export function decryptMessage(frame: Buffer, cipherId: CipherId, key: Buffer): Buffer {
  const header = parseTransformHeader(frame);
  const body = frame.subarray(TRANSFORM_HEADER_SIZE);
  if (header.originalSize !== body.length) throw new Error(`transform size ${header.originalSize} does not match ${body.length} bytes`);
  const iv = header.nonce.subarray(0, nonceLength(cipherId));
  const decipher = crypto.createDecipheriv(algorithmName(cipherId, key), key, iv, { authTagLength: 16 });
  decipher.setAuthTag(header.signature);
  decipher.setAAD(frame.subarray(AAD_OFFSET, TRANSFORM_HEADER_SIZE), { plaintextLength: body.length });
  const plain = decipher.update(body);
  decipher.final(); // throws "Unsupported state or unable to authenticate data" on a bad tag
  return plain;
}

/**
 * Nonces must never repeat under one key: a random 4-byte prefix per session plus a counter. The
 * counter space (2^56 for CCM, 2^64 for GCM) is never reached by one session.
 */
export class NonceSource {
  private readonly prefix = crypto.randomBytes(4);
  private counter = 0n;

  next(cipher: CipherId): Buffer {
    const nonce = Buffer.alloc(16);
    this.prefix.copy(nonce, 0);
    this.counter += 1n;
    // CCM nonces have 11 bytes: 4 random + 7 counter; GCM nonces 12: 4 random + 8 counter.
    const counterBytes = nonceLength(cipher) - 4;
    for (let i = 0, c = this.counter; i < counterBytes; i++, c >>= 8n) nonce[4 + i] = Number(c & 0xffn);
    return nonce;
  }
}
