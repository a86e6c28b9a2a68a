import crypto from 'node:crypto';
import { Command, HeaderFlag, SigningAlgorithm, type SigningAlgorithmId } from './constants';
import { aesCmac } from './crypto/cmac';

const SIGNATURE_OFFSET = 48;
const ZERO_SIGNATURE = Buffer.alloc(16);

export interface Signer {
  algorithm: SigningAlgorithmId;
  key: Buffer;
}

/**
 * The 16-byte signature of one SMB2 message (MS-SMB2 3.1.4.1), computed as if its signature field
 * were zero; the message itself is not modified.
 */
export function computeSignature(signer: Signer, message: Buffer): Buffer {
  const head = message.subarray(0, SIGNATURE_OFFSET);
  const body = message.subarray(SIGNATURE_OFFSET + 16);
  switch (signer.algorithm) {
    case SigningAlgorithm.HMAC_SHA256:
      return crypto.createHmac('sha256', signer.key).update(head).update(ZERO_SIGNATURE).update(body).digest().subarray(0, 16);
    case SigningAlgorithm.AES_CMAC:
      return aesCmac(signer.key, head, ZERO_SIGNATURE, body);
    case SigningAlgorithm.AES_GMAC: {
      // Nonce: MessageId, then bit 0 = response, bit 1 = CANCEL request.
      const nonce = Buffer.alloc(12);
      message.copy(nonce, 0, 24, 32);
      const flags = message.readUInt32LE(16);
      nonce.writeUInt32LE((flags & HeaderFlag.SERVER_TO_REDIR ? 1 : 0) | (message.readUInt16LE(12) === Command.CANCEL ? 2 : 0), 8);
      const gcm = crypto.createCipheriv('aes-128-gcm', signer.key, nonce);
      gcm.setAAD(head).setAAD(ZERO_SIGNATURE).setAAD(body);
      gcm.final();
      return gcm.getAuthTag();
    }
    default:
      throw new Error(`unknown signing algorithm ${String(signer.algorithm)}`);
  }
}

/** Sets SMB2_FLAGS_SIGNED and writes the signature into the message in place. */
export function signMessage(signer: Signer, message: Buffer): void {
  message.writeUInt32LE((message.readUInt32LE(16) | HeaderFlag.SIGNED) >>> 0, 16);
  message.fill(0, SIGNATURE_OFFSET, SIGNATURE_OFFSET + 16);
  computeSignature(signer, message).copy(message, SIGNATURE_OFFSET);
}

export function verifySignature(signer: Signer, message: Buffer): boolean {
  const expected = computeSignature(signer, message);
  return crypto.timingSafeEqual(expected, message.subarray(SIGNATURE_OFFSET, SIGNATURE_OFFSET + 16));
}
