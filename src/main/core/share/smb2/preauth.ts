import crypto from 'node:crypto';

/**
 * SMB 3.1.1 pre-authentication integrity (MS-SMB2 3.2.5.2): a SHA-512 chain over the NEGOTIATE
 * request/response, then per session over each SESSION_SETUP request and every non-final response.
 * The final value feeds the key derivation, so a tampered negotiation breaks the signatures.
 */
export class PreauthHash {
  constructor(private value: Buffer = Buffer.alloc(64)) {}

  update(message: Buffer): void {
    this.value = crypto.createHash('sha512').update(this.value).update(message).digest();
  }

  get current(): Buffer {
    return this.value;
  }

  clone(): PreauthHash {
    return new PreauthHash(Buffer.from(this.value));
  }
}
