import crypto from 'node:crypto';

const ZERO_IV = Buffer.alloc(16);

/**
 * AES-CMAC (RFC 4493), the SMB 3.0/3.0.2 signing algorithm (and 3.1.1 unless GMAC is agreed).
 * All but the last block go through OpenSSL's AES-CBC in one call (the last CBC block is the running
 * MAC state); only the final block is handled here. `parts` are MACed as if concatenated, so a header
 * and a large body need no copy into one buffer.
 */
export function aesCmac(key: Uint8Array, ...parts: Uint8Array[]): Buffer {
  const total = parts.reduce((n, p) => n + p.length, 0);
  const [k1, k2] = subkeys(key);
  const complete = total > 0 && total % 16 === 0;
  const lastLength = total === 0 ? 0 : complete ? 16 : total % 16;
  const headLength = total - lastLength;

  let state: Buffer = ZERO_IV;
  if (headLength > 0) {
    const cbc = crypto.createCipheriv(`aes-${key.length * 8}-cbc`, key, ZERO_IV).setAutoPadding(false);
    let fed = 0;
    let tail: Buffer = Buffer.alloc(0);
    for (const part of parts) {
      if (fed >= headLength) break;
      const take = Math.min(part.length, headLength - fed);
      const out = cbc.update(part.subarray(0, take));
      if (out.length >= 16) tail = out.subarray(out.length - 16);
      fed += take;
    }
    cbc.final();
    state = Buffer.from(tail);
  }

  const last = Buffer.alloc(16);
  let filled = 0;
  let skipped = 0;
  for (const part of parts) {
    const start = Math.max(0, headLength - skipped);
    if (start < part.length) {
      part.subarray(start).forEach((byte) => (last[filled++] = byte));
    }
    skipped += part.length;
  }
  if (complete) xorInto(last, k1);
  else {
    last[filled] = 0x80;
    xorInto(last, k2);
  }
  xorInto(last, state);
  return aesBlock(key, last);
}

function subkeys(key: Uint8Array): [Buffer, Buffer] {
  const l = aesBlock(key, Buffer.alloc(16));
  const k1 = shiftLeftXorRb(l);
  const k2 = shiftLeftXorRb(k1);
  return [k1, k2];
}

function shiftLeftXorRb(input: Buffer): Buffer {
  const out = Buffer.alloc(16);
  for (let i = 0; i < 16; i++) out[i] = ((input[i]! << 1) | (i < 15 ? input[i + 1]! >> 7 : 0)) & 0xff;
  if (input[0]! & 0x80) out[15] = out[15]! ^ 0x87;
  return out;
}

function aesBlock(key: Uint8Array, block: Buffer): Buffer {
  const ecb = crypto.createCipheriv(`aes-${key.length * 8}-ecb`, key, null).setAutoPadding(false);
  return Buffer.concat([ecb.update(block), ecb.final()]);
}

function xorInto(target: Buffer, other: Buffer): void {
  for (let i = 0; i < 16; i++) target[i] = target[i]! ^ other[i]!;
}
