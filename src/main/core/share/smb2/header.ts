import { HEADER_SIZE, HeaderFlag, SMB2_MAGIC } from './constants';

/** The 64-byte SMB2 packet header (MS-SMB2 2.2.1), sync and async forms. */
export interface Smb2Header {
  creditCharge: number;
  /** NTSTATUS in responses; ChannelSequence/Reserved in requests. */
  status: number;
  command: number;
  /** CreditRequest in requests, CreditResponse in responses. */
  credits: number;
  flags: number;
  nextCommand: number;
  messageId: bigint;
  /** Sync header only. */
  treeId: number;
  /** Async header only (Flags has ASYNC_COMMAND). */
  asyncId: bigint;
  sessionId: bigint;
}

export interface RequestHeader {
  command: number;
  creditCharge: number;
  creditRequest: number;
  flags?: number;
  messageId: bigint;
  treeId?: number;
  sessionId?: bigint;
}

/** Writes a request header at `offset` of `target` (signature left zero). */
export function writeRequestHeader(target: Buffer, offset: number, h: RequestHeader): void {
  target.fill(0, offset, offset + HEADER_SIZE);
  target.writeUInt32LE(SMB2_MAGIC, offset);
  target.writeUInt16LE(HEADER_SIZE, offset + 4);
  target.writeUInt16LE(h.creditCharge, offset + 6);
  target.writeUInt16LE(h.command, offset + 12);
  target.writeUInt16LE(h.creditRequest, offset + 14);
  target.writeUInt32LE(h.flags ?? 0, offset + 16);
  target.writeBigUInt64LE(h.messageId, offset + 24);
  target.writeUInt32LE(h.treeId ?? 0, offset + 36);
  target.writeBigUInt64LE(h.sessionId ?? 0n, offset + 40);
}

export function parseHeader(message: Buffer): Smb2Header {
  if (message.length < HEADER_SIZE || message.readUInt32LE(0) !== SMB2_MAGIC) throw new Error('not an SMB2 message');
  const flags = message.readUInt32LE(16);
  const async = (flags & HeaderFlag.ASYNC_COMMAND) !== 0;
  return {
    creditCharge: message.readUInt16LE(6),
    status: message.readUInt32LE(8),
    command: message.readUInt16LE(12),
    credits: message.readUInt16LE(14),
    flags,
    nextCommand: message.readUInt32LE(20),
    messageId: message.readBigUInt64LE(24),
    treeId: async ? 0 : message.readUInt32LE(36),
    asyncId: async ? message.readBigUInt64LE(32) : 0n,
    sessionId: message.readBigUInt64LE(40),
  };
}

/** Splits a compounded response chain (NextCommand offsets, 8-byte aligned) into its messages. */
export function splitCompound(message: Buffer): Buffer[] {
  const parts: Buffer[] = [];
  let rest = message;
  for (;;) {
    const next = rest.length >= HEADER_SIZE ? rest.readUInt32LE(20) : 0;
    if (next === 0 || next > rest.length) {
      parts.push(rest);
      return parts;
    }
    parts.push(rest.subarray(0, next));
    rest = rest.subarray(next);
  }
}
