import { HEADER_SIZE, SecurityMode } from './constants';

/** SESSION_SETUP, TREE_CONNECT, TREE_DISCONNECT and LOGOFF bodies (MS-SMB2 2.2.5-2.2.12). */

export function buildSessionSetupRequest(securityBlob: Buffer, requireSigning: boolean): Buffer {
  const body = Buffer.alloc(24 + securityBlob.length);
  body.writeUInt16LE(25, 0);
  body[3] = requireSigning ? SecurityMode.SIGNING_REQUIRED : SecurityMode.SIGNING_ENABLED;
  body.writeUInt16LE(HEADER_SIZE + 24, 12);
  body.writeUInt16LE(securityBlob.length, 14);
  securityBlob.copy(body, 24);
  return body;
}

export interface SessionSetupResponse {
  sessionFlags: number;
  securityBlob: Buffer;
}

export function parseSessionSetupResponse(message: Buffer): SessionSetupResponse {
  const body = message.subarray(HEADER_SIZE);
  if (body.length < 8) return { sessionFlags: 0, securityBlob: Buffer.alloc(0) };
  const offset = body.readUInt16LE(4);
  const length = body.readUInt16LE(6);
  return {
    sessionFlags: body.readUInt16LE(2),
    securityBlob: length ? Buffer.from(message.subarray(offset, offset + length)) : Buffer.alloc(0),
  };
}

/** `\\host\share`, UTF-16LE. */
export function buildTreeConnectRequest(uncPath: string): Buffer {
  const path = Buffer.from(uncPath, 'utf16le');
  const body = Buffer.alloc(8 + path.length);
  body.writeUInt16LE(9, 0);
  body.writeUInt16LE(HEADER_SIZE + 8, 4);
  body.writeUInt16LE(path.length, 6);
  path.copy(body, 8);
  return body;
}

export interface TreeConnectResponse {
  shareType: number;
  shareFlags: number;
  capabilities: number;
  maximalAccess: number;
}

export function parseTreeConnectResponse(message: Buffer): TreeConnectResponse {
  const body = message.subarray(HEADER_SIZE);
  if (body.length < 16) throw new Error('malformed TREE_CONNECT response');
  return {
    shareType: body[2]!,
    shareFlags: body.readUInt32LE(4),
    capabilities: body.readUInt32LE(8),
    maximalAccess: body.readUInt32LE(12),
  };
}

/** TREE_DISCONNECT and LOGOFF share the same 4-byte body. */
export function buildEmptyRequest(): Buffer {
  const body = Buffer.alloc(4);
  body.writeUInt16LE(4, 0);
  return body;
}
