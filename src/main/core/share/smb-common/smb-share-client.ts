import type { Readable } from 'node:stream';
import { AgentError } from '../../errors/agent-error';
import type { ReadStreamOptions, ShareClient, ShareEntry } from '../share-client';
import { parseUnc, type UncParts } from '../share-path';
import type { SmbClientOptions, SmbShareOptions } from './options';
import { Semaphore } from './semaphore';

/** What the share wrapper needs from a protocol client (Smb2Client, Smb1Client). */
export interface SmbSessionClient {
  readonly closed: boolean;
  readonly info: unknown;
  readonly stats: object;
  listDirectory(path: string, file: string): Promise<Array<{ name: string; size: number; mtimeMs: number; isDirectory: boolean }>>;
  disconnect(): Promise<void>;
}

export interface PathStat {
  size: number;
  mtimeMs: number;
  isDirectory: boolean;
}

/**
 * The ShareClient part both SMB transports share: one connection opened on first use and shared by
 * all calls, replaced on the next call when it broke; the recursive listing; and telling a wrong
 * release folder (SHARE_NOT_FOUND) from a missing file. Subclasses speak their protocol.
 */
export abstract class SmbShareClient<C extends SmbSessionClient, O extends SmbShareOptions> implements ShareClient {
  abstract readonly transport: string;
  readonly location: string;
  /** Kept out of `options` so that inspecting or serialising the client never shows it. */
  readonly #password: string;
  protected readonly options: Omit<O, 'password'>;
  protected readonly unc: UncParts;
  private current: Promise<C> | null = null;
  private closed = false;

  protected constructor(transport: string, options: O) {
    const { password, ...rest } = options;
    this.options = rest;
    this.#password = password ?? '';
    this.location = options.path;
    const unc = parseUnc(options.path);
    if (!unc) {
      throw new AgentError('SHARE_NOT_FOUND', { share: options.path, host: options.path }, `transport ${transport} needs a UNC path (\\\\server\\share\\folder), got ${options.path}`);
    }
    this.unc = unc;
  }

  /** Opens a new connection, logged on and connected to the share (see clientOptions()). */
  protected abstract connect(): Promise<C>;
  /** Size, time and kind of a path; rejects with SHARE_FILE_MISSING when it does not exist. */
  protected abstract statPath(client: C, sharePath: string, relPath: string): Promise<PathStat>;
  /** Rejects with SHARE_FILE_MISSING when the release folder `dir` does not exist. */
  protected abstract probeReleaseFolder(client: C, dir: string): Promise<void>;
  protected abstract openStream(relPath: string, start: number, maxBytes: number, signal?: AbortSignal, end?: number): Promise<Readable>;

  /** What was agreed with the server (connects if needed). */
  async sessionInfo(): Promise<C['info']> {
    return (await this.client()).info;
  }

  /** Counters of the current connection, for the IT window, tests and the benchmark. */
  async connectionStats(): Promise<C['stats']> {
    return { ...(await this.client()).stats };
  }

  async stat(relPath: string): Promise<ShareEntry | null> {
    const client = await this.client();
    try {
      const info = await this.statPath(client, this.sharePath(relPath), relPath);
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
      const entries = await limit.run(() => client.listDirectory(this.sharePath(dir), dir || '.').catch(this.missingFile(client)));
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

  /** Where and as whom the protocol client connects. */
  protected clientOptions(): SmbClientOptions {
    const { port, username, domain, timeoutMs, requireSigning } = this.options;
    return { host: this.unc.host, port, share: this.unc.share, username, domain, password: this.#password, timeoutMs, location: this.location, requireSigning };
  }

  /** The shared connection; a new one when there is none yet or the last one broke. */
  protected client(): Promise<C> {
    if (this.closed) {
      return Promise.reject(new AgentError('SHARE_CONNECTION_CLOSED', { host: this.unc.host, share: this.location, reason: 'closed by the agent' }, 'share client already closed'));
    }
    const existing = this.current;
    if (existing) return existing.then((client) => (client.closed ? this.reconnect(existing) : client));
    return this.reconnect(null);
  }

  private reconnect(stale: Promise<C> | null): Promise<C> {
    if (this.current !== stale && this.current) return this.current;
    const attempt = this.connect();
    this.current = attempt;
    attempt.catch(() => {
      if (this.current === attempt) this.current = null; // let the next call try again
    });
    return attempt;
  }

  /** For `.catch()`: a missing file is checked against a missing release folder, then rethrown. */
  protected missingFile(client: C): (error: unknown) => Promise<never> {
    return async (error) => {
      if (error instanceof AgentError && error.code === 'SHARE_FILE_MISSING') await this.assertRootExists(client, error);
      throw error;
    };
  }

  /** A file larger than the caller accepts (readFile of the manifest). */
  protected tooLarge(relPath: string, size: number, maxBytes: number): AgentError {
    return new AgentError('SHARE_IO_ERROR', { share: this.location, host: this.unc.host, file: relPath }, `file is ${size} bytes, limit ${maxBytes}`);
  }

  /** A missing file inside a missing release folder is a wrong share path, not a missing file. */
  private async assertRootExists(client: C, original: AgentError): Promise<void> {
    if (!this.unc.dir) return;
    try {
      await this.probeReleaseFolder(client, this.unc.dir);
    } catch (error) {
      if (error instanceof AgentError && error.code === 'SHARE_FILE_MISSING') {
        throw new AgentError('SHARE_NOT_FOUND', { share: this.location, host: this.unc.host }, `release folder ${this.unc.dir} not found on \\\\${this.unc.host}\\${this.unc.share} (${original.detail})`);
      }
    }
  }

  protected sharePath(relPath: string): string {
    const rel = relPath === '.' ? '' : relPath;
    return [this.unc.dir, rel].filter(Boolean).join('/');
  }
}
