import { Worker } from 'node:worker_threads';

/**
 * Copies share files into local part files on worker threads with synchronous I/O: read a chunk,
 * hash it, write it, repeat. On this kind of machine an async fs call costs a thread-pool round trip
 * (~70 µs), so 2,000 small files through streams spend most of their time waiting; a worker loop does
 * the same work in one tight loop per file and hashes off the main thread.
 */
export interface CopyJob {
  source: string;
  dest: string;
  /** Resume offset: bytes [0, start) of dest are kept and hashed first. */
  start: number;
  /** Read at most this many bytes in total (the manifest size + 1, so a file that grew is noticed). */
  limit: number;
  onBytes: (count: number) => void;
  signal?: AbortSignal;
}

export interface CopyResult {
  size: number;
  sha256: string;
}

/** Error from the worker, carrying the errno code for the transport's error mapping. */
export class CopyError extends Error {
  constructor(
    message: string,
    readonly code: string | undefined,
    /** Which file failed: the share's (map to a share error) or the local one (disk full, not writable). */
    readonly side: 'source' | 'dest',
  ) {
    super(message);
  }
}

const CHUNK = 1024 * 1024;

// Plain JS, evaluated as the worker (no bundling or file path needed inside an asar).
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const fs = require('node:fs');
const crypto = require('node:crypto');
const buffer = Buffer.allocUnsafe(${CHUNK});
parentPort.on('message', (job) => {
  const cancelled = new Int32Array(job.cancel);
  let src, dst;
  let side = 'dest';
  try {
    const hash = crypto.createHash('sha256');
    dst = fs.openSync(job.dest, job.start > 0 ? 'r+' : 'w', 0o644);
    for (let pos = 0; pos < job.start; ) {
      const n = fs.readSync(dst, buffer, 0, Math.min(buffer.length, job.start - pos), pos);
      if (n === 0) break;
      hash.update(buffer.subarray(0, n));
      pos += n;
    }
    side = 'source';
    src = fs.openSync(job.source, 'r');
    let pos = job.start;
    while (pos < job.limit) {
      if (Atomics.load(cancelled, 0) === 1) throw Object.assign(new Error('cancelled'), { code: 'ABORT_ERR' });
      side = 'source';
      const n = fs.readSync(src, buffer, 0, Math.min(buffer.length, job.limit - pos), pos);
      if (n === 0) break;
      hash.update(buffer.subarray(0, n));
      side = 'dest';
      for (let w = 0; w < n; ) w += fs.writeSync(dst, buffer, w, n - w, pos + w);
      pos += n;
      parentPort.postMessage({ progress: n });
    }
    side = 'dest';
    fs.ftruncateSync(dst, pos);
    parentPort.postMessage({ done: { size: pos, sha256: hash.digest('hex') } });
  } catch (error) {
    parentPort.postMessage({ error: { message: String(error && error.message), code: error && error.code, side } });
  } finally {
    if (src !== undefined) try { fs.closeSync(src); } catch {}
    if (dst !== undefined) try { fs.closeSync(dst); } catch {}
  }
});
`;

interface Slot {
  worker: Worker;
  busy: boolean;
}

export class CopyWorkerPool {
  private readonly slots: Slot[] = [];
  private readonly waiting: Array<(slot: Slot) => void> = [];
  private closed = false;

  constructor(private readonly size: number) {}

  async copy(job: CopyJob, idleTimeoutMs: number, onTimeout: () => Error): Promise<CopyResult> {
    const slot = await this.acquire();
    const cancel = new SharedArrayBuffer(4);
    return new Promise<CopyResult>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const arm = () => {
        clearTimeout(timer);
        timer = setTimeout(() => finish(onTimeout(), true), idleTimeoutMs);
      };
      const onAbort = () => {
        Atomics.store(new Int32Array(cancel), 0, 1);
        finish(job.signal?.reason instanceof Error ? job.signal.reason : new CopyError('cancelled', 'ABORT_ERR', 'source'), false);
      };
      const onMessage = (message: { progress?: number; done?: CopyResult; error?: { message: string; code?: string; side: 'source' | 'dest' } }) => {
        if (message.progress !== undefined) {
          arm();
          try {
            job.onBytes(message.progress);
          } catch (error) {
            Atomics.store(new Int32Array(cancel), 0, 1);
            finish(error, false);
          }
        } else if (message.done) {
          workerDone = true;
          finish(undefined, false, message.done);
        } else if (message.error) {
          workerDone = true;
          finish(new CopyError(message.error.message, message.error.code, message.error.side), false);
        }
      };
      let settled = false;
      let workerDone = false;
      const finish = (error: unknown, stuck: boolean, value?: CopyResult) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        job.signal?.removeEventListener('abort', onAbort);
        slot.worker.off('message', onMessage);
        // A worker blocked in a read on a dead server cannot be reused: replace it.
        if (stuck) this.retire(slot);
        else if (workerDone) this.release(slot);
        else this.retireWhenIdle(slot); // cancelled: the worker stops at its next chunk, then takes new work
        if (error !== undefined) reject(error);
        else resolve(value!);
      };
      slot.worker.on('message', onMessage);
      job.signal?.addEventListener('abort', onAbort, { once: true });
      arm();
      slot.worker.postMessage({ source: job.source, dest: job.dest, start: job.start, limit: job.limit, cancel });
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    const workers = this.slots.splice(0).map((s) => s.worker);
    await Promise.all(workers.map((w) => w.terminate().catch(() => 0)));
  }

  private async acquire(): Promise<Slot> {
    const free = this.slots.find((s) => !s.busy);
    if (free) {
      free.busy = true;
      return free;
    }
    if (this.slots.length < this.size) {
      const slot: Slot = { worker: new Worker(WORKER_SOURCE, { eval: true }), busy: true };
      slot.worker.unref();
      slot.worker.on('error', () => this.retire(slot));
      this.slots.push(slot);
      return slot;
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private release(slot: Slot): void {
    const next = this.waiting.shift();
    if (next) next(slot);
    else slot.busy = false;
  }

  private retire(slot: Slot): void {
    const index = this.slots.indexOf(slot);
    if (index >= 0) this.slots.splice(index, 1);
    void slot.worker.terminate().catch(() => 0);
    const next = this.waiting.shift();
    if (next && !this.closed) void this.acquire().then(next);
  }

  /** A cancelled job stops at its next chunk; the worker then takes new work. */
  private retireWhenIdle(slot: Slot): void {
    const onMessage = (message: { done?: unknown; error?: unknown }) => {
      if (message.done || message.error) {
        slot.worker.off('message', onMessage);
        this.release(slot);
      }
    };
    slot.worker.on('message', onMessage);
  }
}
