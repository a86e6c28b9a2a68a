/**
 * Direct TCP transport framing (MS-SMB2 2.1): every message is preceded by a 4-byte header, a zero
 * byte and a 24-bit big-endian length.
 */

/** Largest frame the 24-bit length allows. */
export const MAX_FRAME = 0x00ffffff;

export function frameHeader(length: number): Buffer {
  if (length > MAX_FRAME) throw new RangeError(`SMB message of ${length} bytes exceeds the transport limit`);
  const header = Buffer.allocUnsafe(4);
  header.writeUInt32BE(length);
  return header;
}

/**
 * Reassembles frames from the byte stream. Two ways to feed it:
 * - push(chunk): chunks the caller owns; a frame inside one chunk is returned as a view (no copy).
 * - readInto()/onRead(n): for Node's `onread` socket option, so the kernel writes straight into the
 *   buffer of a large frame (one copy less, and one read syscall per frame part instead of per 64 KiB).
 *   Data landing in the shared scratch buffer is copied out before the scratch is reused.
 */
export class FrameDecoder {
  private partial: Buffer | null = null;
  private partialFilled = 0;
  private readonly header = Buffer.alloc(4);
  private headerFilled = 0;
  private readonly scratch: Buffer;
  private intoPartial = false;

  constructor(
    private readonly onFrame: (frame: Buffer) => void,
    scratchSize = 256 * 1024,
  ) {
    this.scratch = Buffer.allocUnsafe(scratchSize);
  }

  /** The buffer the next socket read should fill. */
  readInto(): Buffer {
    this.intoPartial = this.partial !== null;
    return this.partial ? this.partial.subarray(this.partialFilled) : this.scratch;
  }

  /** `n` bytes were written into the buffer readInto() returned. */
  onRead(n: number): void {
    if (this.intoPartial) {
      this.partialFilled += n;
      if (this.partialFilled === this.partial!.length) this.completePartial();
      return;
    }
    this.feed(this.scratch.subarray(0, n), true);
  }

  push(chunk: Buffer): void {
    this.feed(chunk, false);
  }

  private feed(chunk: Buffer, transient: boolean): void {
    let pos = 0;
    while (pos < chunk.length) {
      if (this.partial) {
        const take = Math.min(this.partial.length - this.partialFilled, chunk.length - pos);
        chunk.copy(this.partial, this.partialFilled, pos, pos + take);
        this.partialFilled += take;
        pos += take;
        if (this.partialFilled === this.partial.length) this.completePartial();
        continue;
      }
      if (this.headerFilled > 0 || chunk.length - pos < 4) {
        const take = Math.min(4 - this.headerFilled, chunk.length - pos);
        chunk.copy(this.header, this.headerFilled, pos, pos + take);
        this.headerFilled += take;
        pos += take;
        if (this.headerFilled < 4) return;
        this.headerFilled = 0;
        this.startFrame(this.header.readUInt32BE(0));
        continue;
      }
      const length = chunk.readUInt32BE(pos);
      pos += 4;
      if (length >>> 24 !== 0) throw new Error(`bad transport header 0x${length.toString(16)}`);
      if (chunk.length - pos >= length) {
        const view = chunk.subarray(pos, pos + length);
        pos += length;
        this.onFrame(transient ? Buffer.from(view) : view);
      } else {
        this.startFrame(length);
      }
    }
  }

  private startFrame(length: number): void {
    if (length >>> 24 !== 0) throw new Error(`bad transport header 0x${length.toString(16)}`);
    if (length === 0) {
      this.onFrame(Buffer.alloc(0));
      return;
    }
    this.partial = Buffer.allocUnsafe(length);
    this.partialFilled = 0;
  }

  private completePartial(): void {
    const frame = this.partial!;
    this.partial = null;
    this.onFrame(frame);
  }
}
