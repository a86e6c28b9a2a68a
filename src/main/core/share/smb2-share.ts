import type { Readable } from 'node:stream';
import { AgentError } from '../errors/agent-error';
import type { ReadStreamOptions, ShareClient, ShareEntry } from './share-client';
import { parseUnc, type UncParts } from './share-path';
import { Smb2Client, type Smb2SessionInfo } from './smb2/client';
import type { ConnectionStats } from './smb2/connection';
import type { CipherId, SigningAlgorithmId } from './smb2/constants';
import { Smb2FileStream } from './smb2/file-stream';

export interface Smb2ShareOptions {
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
  /**
   * The configuration allows the agent's SMB1 client. This client never speaks SMB1: it still reports
   * SHARE_SMB1_ONLY, and the transport factory decides whether to fall back.
   */
  allowSmb1?: boolean;
  /** Bytes per READ (capped by the server's MaxReadSize and credits). Default 4 MiB. */
  readChunkSize?: number;
  /** READs in flight per file. Default 4. */
  readsInFlight?: number;
  /** Folders listed at once by list(). Default 8. */
  listConcurrency?: number;
  /** Test hooks: pin dialects / ciphers / signing algorithms, or sign everything. */
  dialects?: number[];
  ciphers?: CipherId[];
  signingAlgorithms?: SigningAlgorithmId[];
  requireSigning?: boolean;
}

/**
 * The release read through our own SMB2/3 client, with its own account: no `net use`, no clash with
 * the nurse's mapped drives (Windows error 1219), and usable on hosts without an SMB client. One
 * connection is opened on first use and shared by all calls; a broken connection is replaced on the
 * next call.
 */
export class Smb2ShareClient implements ShareClient {
  readonly transport = 'smb2';
  readonly location: string;
  readonly #password: string;
  private readonly options: Omit<Smb2ShareOptions, 'password'>;
  private readonly unc: UncParts;
  private current: Promise<Smb2Client> | null = null;
  private closed = false;

  constructor(options: Smb2ShareOptions) {
    const { password, ...rest } = options;
    this.options = rest;
    this.#password = password ?? '';
    this.location = options.path;
    const unc = parseUnc(options.path);
    if (!unc) {
      throw new AgentError('SHARE_NOT_FOUND', { share: options.path, host: options.path }, `transport smb2 needs a UNC path (\\\\server\\share\\folder), got ${options.path}`);
    }
    this.unc = unc;
  }

  /** Dialect, signing and encryption in use (connects if needed). */
  async sessionInfo(): Promise<Smb2SessionInfo> {
    return (await this.client()).info;
  }

  /** Counters of the current connection (requests, interim responses, bytes), for the IT window and tests. */
  async connectionStats(): Promise<ConnectionStats> {
    return { ...(await this.client()).stats };
  }

  async stat(relPath: string): Promise<ShareEntry | null> {
    const client = await this.client();
    try {
      const info = await client.open(this.sharePath(relPath), 'any', relPath);
      await client.closeFile(info.fileId, relPath).catch(() => undefined);
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
    return this.openStream(relPath, options.start ?? 0, Infinity, options.signal);
  }

  async close(): Promise<void> {
    this.closed = true;
    const current = this.current;
    this.current = null;
    if (!current) return;
    const client = await current.catch(() => null);
    await client?.disconnect();
  }

  /**
   * First round trip: CREATE + READ(first chunk) + CLOSE in one compound, which is the whole job for a
   * small file. A larger file is opened again and read on from there with several READs in flight.
   */
  private async openStream(relPath: string, start: number, maxBytes: number, signal?: AbortSignal): Promise<Readable> {
    const client = await this.client();
    const chunkSize = client.maxReadChunk(this.options.readChunkSize ?? DEFAULT_CHUNK);
    const path = this.sharePath(relPath);
    const missing = async (error: unknown): Promise<never> => {
      if (error instanceof AgentError && error.code === 'SHARE_FILE_MISSING') await this.assertRootExists(client, error);
      throw error;
    };
    // 1 MiB covers most release files; larger ones go on with full chunks. Keeps credits for concurrency.
    const first = await client.openReadClose(path, start, Math.min(chunkSize, FIRST_READ), relPath).catch(missing);
    const tooLarge = (size: number) =>
      new AgentError('SHARE_IO_ERROR', { share: this.location, host: this.unc.host, file: relPath }, `file is ${size} bytes, limit ${maxBytes}`);
    if (first.info.size > maxBytes) throw tooLarge(first.info.size);
    const common = { client, chunkSize, readsInFlight: this.options.readsInFlight ?? 4, file: relPath, errorParams: { host: this.unc.host, share: this.location }, signal };
    if (start + first.data.length >= first.info.size) {
      return new Smb2FileStream({ ...common, fileId: null, prefix: first.data, size: first.info.size, start });
    }
    const info = await client.open(path, 'file', relPath).catch(missing);
    if (info.size > maxBytes) {
      await client.closeFile(info.fileId).catch(() => undefined);
      throw tooLarge(info.size);
    }
    return new Smb2FileStream({ ...common, fileId: info.fileId, prefix: first.data, size: info.size, start });
  }

  /** The shared connection; a new one when there is none yet or the last one broke. */
  private client(): Promise<Smb2Client> {
    if (this.closed) {
      return Promise.reject(new AgentError('SHARE_CONNECTION_CLOSED', { host: this.unc.host, share: this.location, reason: 'closed by the agent' }, 'share client already closed'));
    }
    const existing = this.current;
    if (existing) {
      return existing.then((client) => (client.closed ? this.reconnect(existing) : client));
    }
    return this.reconnect(null);
  }

  private reconnect(stale: Promise<Smb2Client> | null): Promise<Smb2Client> {
    if (this.current !== stale && this.current) return this.current;
    const attempt = Smb2Client.connect({
      host: this.unc.host,
      port: this.options.port,
      share: this.unc.share,
      username: this.options.username,
      domain: this.options.domain,
      password: this.#password,
      timeoutMs: this.options.timeoutMs,
      location: this.location,
      dialects: this.options.dialects,
      ciphers: this.options.ciphers,
      signingAlgorithms: this.options.signingAlgorithms,
      requireSigning: this.options.requireSigning,
    });
    this.current = attempt;
    attempt.catch(() => {
      if (this.current === attempt) this.current = null; // let the next call try again
    });
    return attempt;
  }

  /** A missing file inside a missing release folder is a wrong share path, not a missing file. */
  private async assertRootExists(client: Smb2Client, original: AgentError): Promise<void> {
    if (!this.unc.dir) return;
    try {
      const root = await client.open(this.unc.dir, 'directory', '.');
      await client.closeFile(root.fileId).catch(() => undefined);
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
const FIRST_READ = 1024 * 1024;

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
