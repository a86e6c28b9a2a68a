import crypto from 'node:crypto';

/**
 * SP800-108 KDF in counter mode with HMAC-SHA256, as MS-SMB2 3.1.4.2 uses it for SMB 3.x keys:
 * HMAC(Ki, i=1 (32-bit BE) || Label || 0x00 || Context || L (32-bit BE)), truncated to L bits.
 * Labels and contexts are passed with their trailing NUL, as the spec writes them ("SMB2AESCMAC\0").
 */
export function smb3Kdf(key: Uint8Array, label: Uint8Array, context: Uint8Array, bits = 128): Buffer {
  const counter = Buffer.from([0, 0, 0, 1]);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(bits);
  const mac = crypto.createHmac('sha256', key);
  mac.update(counter).update(label).update(Buffer.from([0])).update(context).update(length);
  return mac.digest().subarray(0, bits / 8);
}

/** A label/context string as the spec writes it: ASCII with its terminating NUL. */
export const cstr = (text: string): Buffer => Buffer.from(`${text}\0`, 'latin1');
