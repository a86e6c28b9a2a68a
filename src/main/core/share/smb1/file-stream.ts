import { Readable } from 'node:stream';
import { AgentError } from '../../errors/agent-error';
import type { Smb1Client } from './client';

export interface Smb1FileStreamOptions {
  client: Smb1Client;
  fid: number;
  /** Size from NT_CREATE_ANDX; reading stops there. */
  size: number;
  start: number;
  /** Bytes per READ_ANDX the caller would like; the client caps it to what the server allows. */
  chunkSize: number;
  /** READ_ANDX requests kept in flight for this file. */
  readsInFlight: number;
  /** Release-relative path, for messages. */
  file: string;
  errorParams: { host: string; share: string };
  signal?: AbortSignal;
}

const BYTES_IN_FLIGHT = 1024 * 1024;
const MAX_READS_IN_FLIGHT = 16;

interface InFlightRead {
  offset: number;
  length: number;
  data: Promise<Buffer>;
}

/**
 * A file's bytes from `start` to its size, fetched with several READ_ANDX requests in flight (distinct
 * MIDs) and delivered in order. Reads are issued only while the consumer wants data (backpressure).
 * The handle is closed after the last byte (without holding up 'end') or on destroy.
 */
export class Smb1FileStream extends Readable {
  private nextOffset: number;
  private readonly queue: InFlightRead[] = [];
  private wanted = false;
  private delivering = false;
  private finished = false;
  private closePromise: Promise<void> | null = null;

  constructor(private readonly o: Smb1FileStreamOptions) {
    super({ highWaterMark: Math.max(o.client.maxReadChunk(o.chunkSize), 1024 * 1024) });
    this.nextOffset = Math.min(o.start, o.size);
    if (o.signal) {
      if (o.signal.aborted) queueMicrotask(() => this.destroy(abortError(o.signal!)));
      else o.signal.addEventListener('abort', () => this.destroy(abortError(o.signal!)), { once: true });
    }
  }

  override _read(): void {
    this.wanted = true;
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
    while (!this.finished && this.wanted && this.queue.length < this.inFlightLimit() && this.nextOffset < this.o.size) {
      const offset = this.nextOffset;
      const length = Math.min(this.o.client.maxReadChunk(this.o.chunkSize), this.o.size - offset);
      this.nextOffset += length;
      const data = this.o.client.read(this.o.fid, offset, length, this.o.file);
      data.catch(() => undefined); // observed in deliver(); avoid unhandled-rejection noise meanwhile
      this.queue.push({ offset, length, data });
    }
  }

  /**
   * Reads kept in flight: the configured count, more when the server caps reads small (Windows at
   * 64 KiB, signed Samba at 128 KiB), so that about 1 MiB stays on the way.
   */
  private inFlightLimit(): number {
    const chunk = this.o.client.maxReadChunk(this.o.chunkSize);
    return Math.max(this.o.readsInFlight, Math.min(MAX_READS_IN_FLIGHT, Math.ceil(BYTES_IN_FLIGHT / chunk)));
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
        void this.closeFile();
        this.push(null);
      }
    } catch (error) {
      this.destroy(error as Error);
    } finally {
      this.delivering = false;
    }
  }

  /** The server may answer less than asked (its own read limit): fetch the rest of that range first. */
  private async completeShortRead(head: InFlightRead, first: Buffer): Promise<Buffer> {
    const parts = [first];
    let got = first.length;
    while (got < head.length) {
      const more = await this.o.client.read(this.o.fid, head.offset + got, Math.min(head.length - got, this.o.client.maxReadChunk(this.o.chunkSize)), this.o.file);
      if (more.length === 0) {
        throw new AgentError('SHARE_IO_ERROR', { ...this.o.errorParams, file: this.o.file }, `${this.o.file} ended at ${head.offset + got} bytes, its size was ${this.o.size}: it changed while being read`);
      }
      parts.push(more);
      got += more.length;
    }
    return Buffer.concat(parts);
  }

  private closeFile(): Promise<void> {
    this.closePromise ??= this.o.client.closeFile(this.o.fid, this.o.file).catch(() => undefined);
    return this.closePromise;
  }
}

function abortError(signal: AbortSignal): Error {
  return signal.reason instanceof Error ? signal.reason : new Error('aborted');
}
