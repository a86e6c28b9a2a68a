/**
 * Just enough SPNEGO (RFC 4178) DER to carry NTLMSSP in SMB2 SESSION_SETUP: a NegTokenInit offering
 * NTLMSSP only, a NegTokenResp carrying the AUTHENTICATE, and a parser for the server's NegTokenResp.
 */

const SPNEGO_OID = Buffer.from([0x06, 0x06, 0x2b, 0x06, 0x01, 0x05, 0x05, 0x02]); // 1.3.6.1.5.5.2
const NTLMSSP_OID = Buffer.from([0x06, 0x0a, 0x2b, 0x06, 0x01, 0x04, 0x01, 0x82, 0x37, 0x02, 0x02, 0x0a]); // 1.3.6.1.4.1.311.2.2.10

function der(tag: number, ...content: Buffer[]): Buffer {
  const body = Buffer.concat(content);
  const n = body.length;
  let length: Buffer;
  if (n < 0x80) length = Buffer.from([n]);
  else if (n < 0x100) length = Buffer.from([0x81, n]);
  else if (n < 0x10000) length = Buffer.from([0x82, n >> 8, n & 0xff]);
  else length = Buffer.from([0x83, n >> 16, (n >> 8) & 0xff, n & 0xff]);
  return Buffer.concat([Buffer.from([tag]), length, body]);
}

/** GSS InitialContextToken wrapping NegTokenInit { mechTypes: [NTLMSSP], mechToken }. */
export function wrapNegTokenInit(ntlmNegotiate: Buffer): Buffer {
  const mechTypes = der(0xa0, der(0x30, NTLMSSP_OID));
  const mechToken = der(0xa2, der(0x04, ntlmNegotiate));
  return der(0x60, SPNEGO_OID, der(0xa0, der(0x30, mechTypes, mechToken)));
}

/** NegTokenResp { responseToken }. */
export function wrapNegTokenResp(ntlmToken: Buffer): Buffer {
  return der(0xa1, der(0x30, der(0xa2, der(0x04, ntlmToken))));
}

interface Tlv {
  tag: number;
  value: Buffer;
  end: number;
}

function readTlv(buf: Buffer, pos: number): Tlv {
  if (pos + 2 > buf.length) throw new Error('truncated DER');
  const tag = buf[pos]!;
  let length = buf[pos + 1]!;
  let start = pos + 2;
  if (length & 0x80) {
    const count = length & 0x7f;
    if (count === 0 || count > 4 || start + count > buf.length) throw new Error('bad DER length');
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + buf[start + i]!;
    start += count;
  }
  if (start + length > buf.length) throw new Error('truncated DER value');
  return { tag, value: buf.subarray(start, start + length), end: start + length };
}

function children(buf: Buffer): Tlv[] {
  const out: Tlv[] = [];
  for (let pos = 0; pos < buf.length; ) {
    const tlv = readTlv(buf, pos);
    out.push(tlv);
    pos = tlv.end;
  }
  return out;
}

export interface NegTokenResp {
  /** 0 accept-completed, 1 accept-incomplete, 2 reject, 3 request-mic; null when absent. */
  negState: number | null;
  responseToken: Buffer | null;
}

/** Parses the server's security blob: a NegTokenResp, or a raw NTLMSSP token from servers that skip SPNEGO. */
export function parseServerToken(blob: Buffer): NegTokenResp {
  if (blob.length === 0) return { negState: null, responseToken: null };
  if (blob.subarray(0, 7).toString('latin1') === 'NTLMSSP') return { negState: null, responseToken: blob };
  const outer = readTlv(blob, 0);
  if (outer.tag !== 0xa1) throw new Error(`unexpected SPNEGO token tag 0x${outer.tag.toString(16)}`);
  const seq = readTlv(outer.value, 0);
  let negState: number | null = null;
  let responseToken: Buffer | null = null;
  for (const field of children(seq.value)) {
    if (field.tag === 0xa0) negState = readTlv(field.value, 0).value[0] ?? null;
    else if (field.tag === 0xa2) responseToken = readTlv(field.value, 0).value;
  }
  return { negState, responseToken };
}
