import crypto from 'node:crypto';

/**
 * SMB1 message signing (MS-CIFS 3.1.4.1, MS-SMB 3.1.5.1): the first 8 bytes of
 * MD5(MACKey ‖ message with its SecuritySignature field replaced by the sequence number and 4 zero
 * bytes). With NTLMSSP (extended security) the MACKey is the 16-byte session key. The request that
 * completed the logon is number 0 and its response 1; every later request takes the next even number
 * and its response(s) that number plus one.
 */

const SIGNATURE_OFFSET = 14;

export function computeSignature(macKey: Buffer, message: Buffer, sequence: number): Buffer {
  const seq = Buffer.alloc(8);
  seq.writeUInt32LE(sequence >>> 0, 0);
  return crypto
    .createHash('md5')
    .update(macKey)
    .update(message.subarray(0, SIGNATURE_OFFSET))
    .update(seq)
    .update(message.subarray(SIGNATURE_OFFSET + 8))
    .digest()
    .subarray(0, 8);
}

/** Writes the signature of `message` in place. */
export function signMessage(macKey: Buffer, message: Buffer, sequence: number): void {
  computeSignature(macKey, message, sequence).copy(message, SIGNATURE_OFFSET);
}

export function verifyMessage(macKey: Buffer, message: Buffer, sequence: number): boolean {
  if (message.length < SIGNATURE_OFFSET + 8) return false;
  return crypto.timingSafeEqual(computeSignature(macKey, message, sequence), message.subarray(SIGNATURE_OFFSET, SIGNATURE_OFFSET + 8));
}

/** Hands out sequence numbers in send order: two per request (request, response). */
export class SigningState {
  private next = 2;
  constructor(readonly macKey: Buffer) {}

  /** The number for the request about to be written; its response carries this plus one. */
  take(): number {
    const sequence = this.next;
    this.next += 2;
    return sequence;
  }
}
