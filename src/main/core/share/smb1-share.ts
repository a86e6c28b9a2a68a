import type { Readable } from 'node:stream';
import { AgentError } from '../errors/agent-error';
import type { ReadStreamOptions, ShareClient, ShareEntry } from './share-client';
import { parseUnc, type UncParts } from './share-path';
import { Smb1Client, type Smb1SessionInfo } from './smb1/client';
import type { Smb1ConnectionStats } from './smb1/connection';
import { Smb1FileStream } from './smb1/file-stream';

export interface Smb1ShareOptions {
  /** UNC path of the release folder: `\\host\share\dir`. */
  path: string;
  port?: number;
  /** Absent or empty: anonymous/guest logon. */
  username?: string;
  domain?: string;
  /** Already resolved from its secret reference; never logged, never in an error. */
  password?: string;
  /** Per request, and for connecting. */
  timeoutMs: number;
  /** Bytes per READ_ANDX (capped by what the server allows). Default 4 MiB. */
  readChunkSize?: number;
  /** READ_ANDX requests in flight per file. Default 4. */
  readsInFlight?: number;
  /** Folders listed at once by list(). Default 8. */
  listConcurrency?: number;
  /** Sign even when the server only allows signing. */
  requireSigning?: boolean;
  /** Test hook: the MaxBufferSize announced to the server (default 65535). */
  maxBufferSize?: number;
}

/**
 * The release read through the agent's own read-only SMB1 (NT LM 0.12) client: reaches a Windows
 * Server 2003 share while the PC's "SMB 1.0/CIFS client" feature stays off. Nothing is ever opened
 * for writing. One connection is opened on first use and shared by all calls; a broken connection is
 * replaced on the next call.
 */
export class Smb1ShareClient implements ShareClient {
  readonly transport = 'smb1';
  readonly location: string;
  readonly #password: string;
  private readonly options: Omit<Smb1ShareOptions, 'password'>;
  private readonly unc: UncParts;
  private current: Promise<Smb1Client> | null = null;
  private closed = false;

  constructor(options: Smb1ShareOptions) {
    const { password, ...rest } = options;
    this.options = rest;
    this.#password = password ?? '';
    this.location = options.path;
    const unc = parseUnc(options.path);
    if (!unc) {
      throw new AgentError('SHARE_NOT_FOUND', { share: options.path, host: options.path }, `transport smb1 needs a UNC path (\\\\server\\share\\folder), got ${options.path}`);
    }
    this.unc = unc;
  }

  /** Signing, large reads and limits in use (connects if needed). */
  async sessionInfo(): Promise<Smb1SessionInfo> {
    return (await this.client()).info;
  }

  /** Requests sent, bytes received, multi-message replies on the current connection (tests, benchmark). */
  async connectionStats(): Promise<Smb1ConnectionStats> {
    return { ...(await this.client()).stats };
  }

  async stat(relPath: string): Promise<ShareEntry | null> {
    const client = await this.client();
    try {
      const info = await client.queryPathInfo(this.sharePath(relPath), relPath || '.');
      return { path: relPath, size: info.isDirectory ? 0 : info.size, mtimeMs: info.mtimeMs, isDirectory: info.isDirectory };
    } catch (error) {
      if (error instanceof AgentError && error.code === 'SHARE_FILE_MISSING') {
        await this.assertRootExists(client, error);
        return null;
      }
      throw error;
    }
  }

  async readFile(relPath: string, maxBytes: number): Promise<Buffer> {
    const stream = await this.openStream(relPath, 0, maxBytes);
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  }

  async list(relDir: string): Promise<ShareEntry[]> {
    const client = await this.client();
    const limit = new Semaphore(this.options.listConcurrency ?? 8);
    const walk = async (dir: string): Promise<ShareEntry[]> => {
      const entries = await limit.run(() =>
        client.listDirectory(this.sharePath(dir), dir || '.').catch(async (error: unknown) => {
          if (error instanceof AgentError && error.code === 'SHARE_FILE_MISSING') await this.assertRootExists(client, error);
          throw error;
        }),
      );
      const nested = await Promise.all(
        entries.map(async (entry) => {
          const rel = dir ? `${dir}/${entry.name}` : entry.name;
          if (!entry.isDirectory) return [{ path: rel, size: entry.size, mtimeMs: entry.mtimeMs, isDirectory: false }];
          return [{ path: rel, size: 0, mtimeMs: 0, isDirectory: true }, ...(await walk(rel))];
        }),
      );
      return nested.flat();
    };
    return walk(relDir === '.' ? '' : relDir.replace(/\/+$/, ''));
  }

  async createReadStream(relPath: string, options: ReadStreamOptions = {}): Promise<Readable> {
    return this.openStream(relPath, options.start ?? 0, Infinity, options.signal, options.end);
  }

  async close(): Promise<void> {
    this.closed = true;
    const current = this.current;
    this.current = null;
    if (!current) return;
    const client = await current.catch(() => null);
    await client?.disconnect();
  }

  /** Reads [start, min(size, end)): `end` (exclusive) lets a caller stop one byte past the size it expects. */
  private async openStream(relPath: string, start: number, maxBytes: number, signal?: AbortSignal, end = Infinity): Promise<Readable> {
    const client = await this.client();
    const file = await client.open(this.sharePath(relPath), 'file', relPath).catch(async (error: unknown) => {
      if (error instanceof AgentError && error.code === 'SHARE_FILE_MISSING') await this.assertRootExists(client, error);
      throw error;
    });
    if (file.size > maxBytes) {
      void client.closeFile(file.fid).catch(() => undefined);
      throw new AgentError('SHARE_IO_ERROR', { share: this.location, host: this.unc.host, file: relPath }, `file is ${file.size} bytes, limit ${maxBytes}`);
    }
    return new Smb1FileStream({
      client,
      fid: file.fid,
      size: Math.min(file.size, end),
      start,
      chunkSize: this.options.readChunkSize ?? DEFAULT_CHUNK,
      readsInFlight: this.options.readsInFlight ?? 4,
      file: relPath,
      errorParams: { host: this.unc.host, share: this.location },
      ...(signal ? { signal } : {}),
    });
  }

  /** The shared connection; a new one when there is none yet or the last one broke. */
  private client(): Promise<Smb1Client> {
    if (this.closed) {
      return Promise.reject(new AgentError('SHARE_CONNECTION_CLOSED', { host: this.unc.host, share: this.location, reason: 'closed by the agent' }, 'share client already closed'));
    }
    const existing = this.current;
    if (existing) return existing.then((client) => (client.closed ? this.reconnect(existing) : client));
    return this.reconnect(null);
  }

  private reconnect(stale: Promise<Smb1Client> | null): Promise<Smb1Client> {
    if (this.current !== stale && this.current) return this.current;
    const attempt = Smb1Client.connect({
      host: this.unc.host,
      port: this.options.port,
      share: this.unc.share,
      username: this.options.username,
      domain: this.options.domain,
      password: this.#password,
      timeoutMs: this.options.timeoutMs,
      location: this.location,
      requireSigning: this.options.requireSigning,
      maxBufferSize: this.options.maxBufferSize,
    });
    this.current = attempt;
    attempt.catch(() => {
      if (this.current === attempt) this.current = null; // let the next call try again
    });
    return attempt;
  }

  /** A missing file inside a missing release folder is a wrong share path, not a missing file. */
  private async assertRootExists(client: Smb1Client, original: AgentError): Promise<void> {
    if (!this.unc.dir) return;
    try {
      await client.queryPathInfo(this.unc.dir, '.');
    } catch (error) {
      if (error instanceof AgentError && error.code === 'SHARE_FILE_MISSING') {
        throw new AgentError('SHARE_NOT_FOUND', { share: this.location, host: this.unc.host }, `release folder ${this.unc.dir} not found on \\\\${this.unc.host}\\${this.unc.share} (${original.detail})`);
      }
    }
  }

  private sharePath(relPath: string): string {
    const rel = relPath === '.' ? '' : relPath;
    return [this.unc.dir, rel].filter(Boolean).join('/');
  }
}

const DEFAULT_CHUNK = 4 * 1024 * 1024;

class Semaphore {
  private active = 0;
  private readonly waiting: Array<() => void> = [];
  constructor(private readonly size: number) {}

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.active >= this.size) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.active++;
    try {
      return await task();
    } finally {
      this.active--;
      this.waiting.shift()?.();
    }
  }
}
