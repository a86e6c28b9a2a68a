import { Readable } from 'node:stream';
import { AgentError } from '../../errors/agent-error';

export interface ReadAheadOptions {
  /** Reads [offset, offset+length) of the open file; may answer short, empty past the end. */
  read: (offset: number, length: number) => Promise<Buffer>;
  /** Releases the handle; called once, after the last byte or on destroy. */
  close: () => Promise<void>;
  /** 'end' waits for close() (smb2), or not (smb1: one round trip less per file). */
  endAfterClose: boolean;
  /** Bytes per read request; asked again for each read, as a server may lower it meanwhile. */
  chunkSize: () => number;
  /** Read requests kept in flight. */
  readsInFlight: () => number;
  /** Size when opened; reading stops there. */
  size: number;
  /** Offset of the first byte of `prefix` (or of the stream). */
  start: number;
  /** Bytes from `start` already fetched (smb2's CREATE+READ+CLOSE compound); delivered first. */
  prefix?: Buffer;
  /** Release-relative path, for messages. */
  file: string;
  errorParams: { host: string; share: string };
  signal?: AbortSignal;
}

interface InFlightRead {
  offset: number;
  length: number;
  data: Promise<Buffer>;
}

/**
 * A file's bytes from `start` to its size, fetched with several reads in flight and delivered in
 * order. Reads are issued only while the consumer wants data (backpressure); the handle is closed
 * after the last byte or on destroy, never while a read of ours is still expected to be used.
 */
export class ReadAheadStream extends Readable {
  private nextOffset: number;
  private readonly queue: InFlightRead[] = [];
  private wanted = false;
  private delivering = false;
  private finished = false;
  private closePromise: Promise<void> | null = null;
  private prefix: Buffer | null;

  constructor(private readonly o: ReadAheadOptions) {
    super({ highWaterMark: Math.max(o.chunkSize(), 1024 * 1024) });
    this.prefix = o.prefix?.length ? o.prefix : null;
    this.nextOffset = Math.min(o.start + (o.prefix?.length ?? 0), o.size);
    const signal = o.signal;
    if (signal) {
      if (signal.aborted) queueMicrotask(() => this.destroy(abortError(signal)));
      else {
        // One signal may serve a whole download of thousands of files: do not leave listeners behind.
        const onAbort = () => this.destroy(abortError(signal));
        signal.addEventListener('abort', onAbort, { once: true });
        this.once('close', () => signal.removeEventListener('abort', onAbort));
      }
    }
  }

  override _read(): void {
    this.wanted = true;
    if (this.prefix) {
      const prefix = this.prefix;
      this.prefix = null;
      if (!this.push(prefix)) this.wanted = false;
    }
    this.fill();
    void this.deliver();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.finished = true;
    this.closeFile().then(
      () => callback(error),
      () => callback(error),
    );
  }

  private fill(): void {
    while (!this.finished && this.wanted && this.queue.length < this.o.readsInFlight() && this.nextOffset < this.o.size) {
      const offset = this.nextOffset;
      const length = Math.min(this.o.chunkSize(), this.o.size - offset);
      this.nextOffset += length;
      const data = this.o.read(offset, length);
      data.catch(() => undefined); // observed in deliver(); avoid unhandled-rejection noise meanwhile
      this.queue.push({ offset, length, data });
    }
  }

  private async deliver(): Promise<void> {
    if (this.delivering || this.finished) return;
    this.delivering = true;
    try {
      while (this.queue.length && !this.finished) {
        const head = this.queue[0]!;
        let data = await head.data;
        if (this.finished) return;
        if (data.length < head.length) data = await this.completeShortRead(head, data);
        this.queue.shift();
        if (!this.push(data)) this.wanted = false;
        this.fill();
      }
      if (!this.finished && this.queue.length === 0 && this.nextOffset >= this.o.size) {
        this.finished = true;
        const closing = this.closeFile();
        if (this.o.endAfterClose) await closing;
        this.push(null);
      }
    } catch (error) {
      this.destroy(error as Error);
    } finally {
      this.delivering = false;
    }
  }

  /** A server may return less than asked (its own read limit): fetch the rest of that range first. */
  private async completeShortRead(head: InFlightRead, first: Buffer): Promise<Buffer> {
    const parts = [first];
    let got = first.length;
    while (got < head.length) {
      const more = await this.o.read(head.offset + got, Math.min(head.length - got, this.o.chunkSize()));
      if (more.length === 0) {
        throw new AgentError('SHARE_IO_ERROR', { ...this.o.errorParams, file: this.o.file }, `${this.o.file} ended at ${head.offset + got} bytes, its size was ${this.o.size}: it changed while being read`);
      }
      parts.push(more);
      got += more.length;
    }
    return Buffer.concat(parts);
  }

  private closeFile(): Promise<void> {
    this.closePromise ??= this.o.close().catch(() => undefined);
    return this.closePromise;
  }
}

function abortError(signal: AbortSignal): Error {
  return signal.reason instanceof Error ? signal.reason : new Error('aborted');
}
