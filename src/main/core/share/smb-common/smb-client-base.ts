import type { ErrorTarget } from './connection-errors';
import type { SmbClientOptions } from './options';
import { ShareErrors } from './share-errors';

/** The connection as the client base uses it. */
interface SessionConnection {
  readonly closed: boolean;
  readonly stats: object;
  close(): void;
}

/**
 * What Smb2Client and Smb1Client share around their protocol: the options with the password kept
 * apart, error building, the connection's counters and liveness, and a bounded goodbye.
 */
export abstract class SmbClientBase<Conn extends SessionConnection, O extends SmbClientOptions> {
  /** Kept out of `options` so that inspecting or serialising the client never shows it. */
  readonly #password: string;
  protected readonly options: Omit<O, 'password'>;
  protected readonly errors: ShareErrors;

  protected constructor(
    protected readonly conn: Conn,
    options: O,
    protected readonly target: ErrorTarget,
  ) {
    const { password, ...rest } = options;
    this.options = rest;
    this.#password = password ?? '';
    this.errors = new ShareErrors(target, rest);
  }

  get stats(): Conn['stats'] {
    return this.conn.stats;
  }

  get closed(): boolean {
    return this.conn.closed;
  }

  /** TREE_DISCONNECT, LOGOFF, then the socket; never throws, never waits longer than one timeout. */
  async disconnect(): Promise<void> {
    if (this.conn.closed) return;
    try {
      await this.signOff();
    } catch {
      /* the connection is going away anyway */
    } finally {
      this.conn.close();
    }
  }

  /** Sends TREE_DISCONNECT (when a tree is connected), then LOGOFF. */
  protected abstract signOff(): Promise<void>;

  protected get password(): string {
    return this.#password;
  }
}

/** How errors name the server and share a client connects to. */
export function errorTarget(options: SmbClientOptions): ErrorTarget {
  return { host: options.host, share: options.location ?? `\\\\${options.host}\\${options.share}` };
}
