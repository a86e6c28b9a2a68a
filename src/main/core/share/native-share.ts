import type fs from 'node:fs';
import fsp from 'node:fs/promises';
import { PassThrough, type Readable } from 'node:stream';
import { AgentError } from '../errors/agent-error';
import type { FetchToFileOptions, ReadStreamOptions, ShareClient, ShareEntry, ShareTarget } from './share-client';
import { CopyError, CopyWorkerPool } from './copy-worker-pool';
import { joinShare, shareHost } from './share-path';
import { withTimeout } from '../util/timeout';

/** Worker threads copying files at once; the downloader's concurrency decides how many are used. */
const COPY_WORKERS = 4;

const UNREACHABLE_CODES = new Set(['EIO', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EHOSTDOWN', 'ECONNREFUSED', 'ECONNRESET', 'ENOTCONN', 'ENETDOWN']);

/**
 * The release read with plain Node fs from a UNC path or any local/mounted folder. On Windows this
 * goes through the OS's own SMB client: every dialect, signing, encryption, Kerberos and the nurse's
 * login, with nothing of ours on the wire.
 */
export class NativeShareClient implements ShareClient {
  readonly transport = 'native';
  readonly location: string;
  private readonly host: string;
  private pool: CopyWorkerPool | undefined;

  constructor(private readonly target: ShareTarget) {
    this.location = target.path;
    this.host = shareHost(target.path);
  }

  async stat(relPath: string): Promise<ShareEntry | null> {
    const full = joinShare(this.target.path, relPath);
    try {
      const st = await this.timed(fsp.stat(full));
      return { path: relPath, size: st.size, mtimeMs: Math.floor(st.mtimeMs), isDirectory: st.isDirectory() };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT' && (await this.rootExists())) return null;
      throw await this.mapError(error, relPath);
    }
  }

  async readFile(relPath: string, maxBytes: number): Promise<Buffer> {
    const full = joinShare(this.target.path, relPath);
    try {
      return await this.timed(
        (async () => {
          const handle = await fsp.open(full, 'r');
          try {
            const { size } = await handle.stat();
            if (size > maxBytes) throw new AgentError('SHARE_IO_ERROR', { share: this.location, file: relPath }, `file is ${size} bytes, limit ${maxBytes}`);
            const buffer = Buffer.alloc(size);
            let done = 0;
            while (done < size) {
              const { bytesRead } = await handle.read(buffer, done, size - done, done);
              if (bytesRead === 0) break;
              done += bytesRead;
            }
            return buffer.subarray(0, done);
          } finally {
            await handle.close();
          }
        })(),
      );
    } catch (error) {
      throw await this.mapError(error, relPath);
    }
  }

  async list(relDir: string): Promise<ShareEntry[]> {
    const out: ShareEntry[] = [];
    const walk = async (dir: string): Promise<void> => {
      const full = joinShare(this.target.path, dir);
      let entries: fs.Dirent[];
      try {
        entries = await this.timed(fsp.readdir(full, { withFileTypes: true }));
      } catch (error) {
        throw await this.mapError(error, dir || '.');
      }
      for (const entry of entries) {
        const rel = dir ? `${dir}/${entry.name}` : entry.name;
        if (entry.isDirectory()) {
          out.push({ path: rel, size: 0, mtimeMs: 0, isDirectory: true });
          await walk(rel);
        } else if (entry.isFile() || entry.isSymbolicLink()) {
          const st = await this.stat(rel);
          if (st && !st.isDirectory) out.push(st);
        }
      }
    };
    await walk(relDir === '.' ? '' : relDir);
    return out;
  }

  async createReadStream(relPath: string, options: ReadStreamOptions = {}): Promise<Readable> {
    const full = joinShare(this.target.path, relPath);
    let handle: fsp.FileHandle;
    try {
      handle = await this.timed(fsp.open(full, 'r'));
    } catch (error) {
      throw await this.mapError(error, relPath);
    }
    const start = options.start ?? 0;
    // A bounded stream allocates buffers the size of what is left, not 1 MiB per read of a small file.
    const bounded = options.end !== undefined && options.end > start ? { end: options.end - 1 } : {};
    const source = handle.createReadStream({ start, highWaterMark: 1024 * 1024, ...bounded });
    const out = new PassThrough({ highWaterMark: 1024 * 1024 });
    const fail = (error: unknown) => void this.mapError(error, relPath).then((mapped) => out.destroy(mapped));
    // A dead server can leave a read blocked for minutes: fail it after timeoutMs without data.
    let idle: NodeJS.Timeout | undefined;
    const arm = () => {
      clearTimeout(idle);
      idle = setTimeout(
        () => fail(new AgentError('SHARE_TIMEOUT', { host: this.host, seconds: Math.round(this.target.timeoutMs / 1000) }, `no data from ${relPath} for ${this.target.timeoutMs} ms`)),
        this.target.timeoutMs,
      );
    };
    arm();
    source.on('data', arm);
    source.on('end', () => clearTimeout(idle));
    source.on('error', fail);
    out.on('close', () => {
      clearTimeout(idle);
      source.destroy();
    });
    const onAbort = () => out.destroy(options.signal!.reason as Error);
    options.signal?.addEventListener('abort', onAbort, { once: true });
    out.on('close', () => options.signal?.removeEventListener('abort', onAbort));
    source.pipe(out);
    return out;
  }

  async fetchToFile(relPath: string, dest: string, options: FetchToFileOptions): Promise<{ size: number; sha256: string }> {
    this.pool ??= new CopyWorkerPool(COPY_WORKERS);
    try {
      return await this.pool.copy(
        { source: joinShare(this.target.path, relPath), dest, start: options.start, limit: options.limit, onBytes: options.onBytes, ...(options.signal ? { signal: options.signal } : {}) },
        this.target.timeoutMs,
        () => new AgentError('SHARE_TIMEOUT', { host: this.host, seconds: Math.round(this.target.timeoutMs / 1000) }, `no data from ${relPath} for ${this.target.timeoutMs} ms`),
      );
    } catch (error) {
      if (error instanceof CopyError) {
        if (error.code === 'ABORT_ERR') throw options.signal?.reason ?? error;
        const errno = Object.assign(new Error(error.message), { code: error.code });
        // Local write failures (disk full, staging not writable) belong to the downloader's mapping.
        if (error.side === 'dest') throw errno;
        throw await this.mapError(errno, relPath);
      }
      throw error;
    }
  }

  async close(): Promise<void> {
    await this.pool?.close();
    this.pool = undefined;
  }

  private timed<T>(promise: Promise<T>): Promise<T> {
    return withTimeout(promise, this.target.timeoutMs, () =>
      new AgentError('SHARE_TIMEOUT', { host: this.host, seconds: Math.round(this.target.timeoutMs / 1000) }, `no answer from ${this.location} within ${this.target.timeoutMs} ms`),
    );
  }

  private async rootExists(): Promise<boolean> {
    try {
      await this.timed(fsp.stat(this.target.path));
      return true;
    } catch {
      return false;
    }
  }

  /** Node/libuv error codes → the share catalog. */
  async mapError(error: unknown, relPath: string): Promise<AgentError> {
    if (error instanceof AgentError) return error;
    const code = (error as NodeJS.ErrnoException).code ?? '';
    const params = { share: this.location, host: this.host, file: relPath };
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      return (await this.rootExists()) ? new AgentError('SHARE_FILE_MISSING', params, error) : new AgentError('SHARE_NOT_FOUND', params, error);
    }
    if (code === 'EACCES' || code === 'EPERM') return new AgentError('SHARE_ACCESS_DENIED', params, error);
    if (UNREACHABLE_CODES.has(code)) return new AgentError('SHARE_UNREACHABLE', params, error);
    if (/\b1219\b/.test(String((error as Error).message))) return new AgentError('SHARE_CREDENTIAL_CONFLICT', params, error);
    return new AgentError('SHARE_IO_ERROR', params, error);
  }
}
