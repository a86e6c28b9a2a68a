/**
 * Direct TCP transport framing (MS-SMB2 2.1): every message is preceded by a 4-byte header, a zero
 * byte and a 24-bit big-endian length.
 */

/** Largest frame accepted: a 16 MiB read plus headers; anything bigger means a broken stream. */
export const MAX_FRAME = 0x00ffffff;

export function frameHeader(length: number): Buffer {
  if (length > MAX_FRAME) throw new RangeError(`SMB message of ${length} bytes exceeds the transport limit`);
  const header = Buffer.allocUnsafe(4);
  header.writeUInt32BE(length);
  return header;
}

/**
 * Reassembles frames from socket chunks. A frame that lies inside one chunk is returned as a view
 * (no copy); a frame spread over chunks is copied once into a buffer of its exact size.
 */
export class FrameDecoder {
  private partial: Buffer | null = null;
  private partialFilled = 0;
  private header = Buffer.alloc(4);
  private headerFilled = 0;

  /** Feeds one chunk; calls onFrame for each complete frame, in order. */
  push(chunk: Buffer, onFrame: (frame: Buffer) => void): void {
    let pos = 0;
    while (pos < chunk.length) {
      if (this.partial) {
        const take = Math.min(this.partial.length - this.partialFilled, chunk.length - pos);
        chunk.copy(this.partial, this.partialFilled, pos, pos + take);
        this.partialFilled += take;
        pos += take;
        if (this.partialFilled === this.partial.length) {
          const frame = this.partial;
          this.partial = null;
          onFrame(frame);
        }
        continue;
      }
      if (this.headerFilled > 0 || chunk.length - pos < 4) {
        const take = Math.min(4 - this.headerFilled, chunk.length - pos);
        chunk.copy(this.header, this.headerFilled, pos, pos + take);
        this.headerFilled += take;
        pos += take;
        if (this.headerFilled < 4) return;
        this.headerFilled = 0;
        this.startFrame(this.header.readUInt32BE(0), onFrame);
        continue;
      }
      const length = chunk.readUInt32BE(pos);
      pos += 4;
      if (length >>> 24 !== 0) throw new Error(`bad transport header 0x${length.toString(16)}`);
      if (chunk.length - pos >= length) {
        const frame = chunk.subarray(pos, pos + length);
        pos += length;
        onFrame(frame);
      } else {
        this.startFrame(length, onFrame);
      }
    }
  }

  private startFrame(length: number, onFrame: (frame: Buffer) => void): void {
    if (length >>> 24 !== 0) throw new Error(`bad transport header 0x${length.toString(16)}`);
    if (length === 0) {
      onFrame(Buffer.alloc(0));
      return;
    }
    this.partial = Buffer.allocUnsafe(length);
    this.partialFilled = 0;
  }
}
