import type { Readable } from 'node:stream';
import { AgentError } from '../errors/agent-error';
import { silentLogger, type Logger } from '../logger';
import type { ReadStreamOptions, ShareClient, ShareEntry } from './share-client';
import { Smb1ShareClient } from './smb1-share';
import { Smb2ShareClient, type Smb2ShareOptions } from './smb2-share';

export interface AutoShareOptions extends Smb2ShareOptions {
  /** share.allowSmb1: fall back to the agent's read-only SMB1 client for an SMB1-only server. */
  allowSmb1: boolean;
  logger?: Logger;
}

/**
 * Transport 'smb2' as the engine sees it: our SMB2/3 client, and for a server that speaks only SMB1
 * (Windows Server 2003) our read-only SMB1 client when the configuration allows it. The SMB2 client
 * recognises such a server in its first round trip (SHARE_SMB1_ONLY); without allowSmb1 that error
 * reaches the user as it is. The choice is made on first use and kept while it works.
 */
export class AutoShareClient implements ShareClient {
  readonly location: string;
  private chosen: Promise<ShareClient> | null = null;
  private resolvedTransport: string | null = null;
  private closed = false;
  /** Kept out of `options` so that inspecting or serialising the client never shows it. */
  readonly #password: string | undefined;
  private readonly options: Omit<AutoShareOptions, 'password'>;

  constructor(options: AutoShareOptions) {
    const { password, ...rest } = options;
    this.options = rest;
    this.#password = password;
    this.location = options.path;
  }

  /** 'smb2' until a connection has shown otherwise, then the transport in use ('smb2' or 'smb1'). */
  get transport(): string {
    return this.resolvedTransport ?? 'smb2';
  }

  /** The client actually in use (connects and chooses if needed). */
  delegate(): Promise<ShareClient> {
    if (this.closed) {
      return Promise.reject(new AgentError('SHARE_CONNECTION_CLOSED', { host: this.location, share: this.location, reason: 'closed by the agent' }, 'share client already closed'));
    }
    if (!this.chosen) {
      const attempt = this.choose();
      this.chosen = attempt;
      attempt.catch(() => {
        if (this.chosen === attempt) this.chosen = null; // the next call tries again
      });
    }
    return this.chosen;
  }

  async stat(relPath: string): Promise<ShareEntry | null> {
    return (await this.delegate()).stat(relPath);
  }

  async readFile(relPath: string, maxBytes: number): Promise<Buffer> {
    return (await this.delegate()).readFile(relPath, maxBytes);
  }

  async list(relDir: string): Promise<ShareEntry[]> {
    return (await this.delegate()).list(relDir);
  }

  async createReadStream(relPath: string, options?: ReadStreamOptions): Promise<Readable> {
    return (await this.delegate()).createReadStream(relPath, options);
  }

  async close(): Promise<void> {
    this.closed = true;
    const chosen = this.chosen;
    this.chosen = null;
    const client = await chosen?.catch(() => null);
    await client?.close();
  }

  private async choose(): Promise<ShareClient> {
    const { allowSmb1, logger = silentLogger, ...smb2Options } = this.options;
    const password = this.#password;
    const smb2 = new Smb2ShareClient({ ...smb2Options, allowSmb1, ...(password !== undefined ? { password } : {}) });
    try {
      await smb2.sessionInfo();
      this.resolvedTransport = smb2.transport;
      return smb2;
    } catch (error) {
      await smb2.close();
      if (!(error instanceof AgentError && error.code === 'SHARE_SMB1_ONLY') || !allowSmb1) throw error;
      logger.info(`share ${this.location}: the server speaks only SMB1 (NT LM 0.12); reading it with the agent's own read-only SMB1 client (share.allowSmb1), the PC's SMB1 client can stay off`, {
        share: this.location,
        reason: error.detail,
      });
    }
    const smb1 = new Smb1ShareClient({
      path: smb2Options.path,
      timeoutMs: smb2Options.timeoutMs,
      ...(smb2Options.port !== undefined ? { port: smb2Options.port } : {}),
      ...(smb2Options.username !== undefined ? { username: smb2Options.username } : {}),
      ...(smb2Options.domain !== undefined ? { domain: smb2Options.domain } : {}),
      ...(password !== undefined ? { password } : {}),
      ...(smb2Options.requireSigning !== undefined ? { requireSigning: smb2Options.requireSigning } : {}),
    });
    try {
      await smb1.sessionInfo(); // logon errors surface here, with the SMB1 client's own codes
    } catch (error) {
      await smb1.close();
      throw error;
    }
    this.resolvedTransport = smb1.transport;
    return smb1;
  }
}
