import type { Readable } from 'node:stream';
import type { SmbShareOptions } from './smb-common/options';
import { ReadAheadStream } from './smb-common/read-ahead-stream';
import { SmbShareClient, type PathStat } from './smb-common/smb-share-client';
import { Smb1Client } from './smb1/client';

export interface Smb1ShareOptions extends SmbShareOptions {
  /** Test hook: the MaxBufferSize announced to the server (default 65535). */
  maxBufferSize?: number;
}

/**
 * The release read through the agent's own read-only SMB1 (NT LM 0.12) client: reaches a Windows
 * Server 2003 share while the PC's "SMB 1.0/CIFS client" feature stays off. Nothing is ever opened
 * for writing.
 */
export class Smb1ShareClient extends SmbShareClient<Smb1Client, Smb1ShareOptions> {
  readonly transport = 'smb1';

  constructor(options: Smb1ShareOptions) {
    super('smb1', options);
  }

  protected statPath(client: Smb1Client, sharePath: string, relPath: string): Promise<PathStat> {
    return client.queryPathInfo(sharePath, relPath || '.');
  }

  protected async probeReleaseFolder(client: Smb1Client, dir: string): Promise<void> {
    await client.queryPathInfo(dir, '.');
  }

  /** Reads [start, min(size, end)): `end` (exclusive) lets a caller stop one byte past the size it expects. */
  protected async openStream(relPath: string, start: number, maxBytes: number, signal?: AbortSignal, end = Infinity): Promise<Readable> {
    const client = await this.client();
    const file = await client.open(this.sharePath(relPath), 'file', relPath).catch(this.missingFile(client));
    if (file.size > maxBytes) {
      void client.closeFile(file.fid).catch(() => undefined);
      throw this.tooLarge(relPath, file.size, maxBytes);
    }
    const chunkSize = () => client.maxReadChunk(this.options.readChunkSize ?? DEFAULT_CHUNK);
    const readsInFlight = this.options.readsInFlight ?? 4;
    return new ReadAheadStream({
      read: (offset, length) => client.read(file.fid, offset, length, relPath),
      close: () => client.closeFile(file.fid, relPath),
      endAfterClose: false,
      chunkSize,
      // More reads when the server caps them small (Windows at 64 KiB, signed Samba at 128 KiB), so
      // that about 1 MiB stays on the way.
      readsInFlight: () => Math.max(readsInFlight, Math.min(MAX_READS_IN_FLIGHT, Math.ceil(BYTES_IN_FLIGHT / chunkSize()))),
      size: Math.min(file.size, end),
      start,
      file: relPath,
      errorParams: { host: this.unc.host, share: this.location },
      ...(signal ? { signal } : {}),
    });
  }

  protected connect(): Promise<Smb1Client> {
    return Smb1Client.connect({ ...this.clientOptions(), maxBufferSize: this.options.maxBufferSize });
  }
}

const DEFAULT_CHUNK = 4 * 1024 * 1024;
const BYTES_IN_FLIGHT = 1024 * 1024;
const MAX_READS_IN_FLIGHT = 16;
