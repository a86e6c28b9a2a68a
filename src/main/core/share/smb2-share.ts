import type { Readable } from 'node:stream';
import type { SmbShareOptions } from './smb-common/options';
import { ReadAheadStream } from './smb-common/read-ahead-stream';
import { SmbShareClient, type PathStat } from './smb-common/smb-share-client';
import { Smb2Client } from './smb2/client';
import type { CipherId, SigningAlgorithmId } from './smb2/constants';

export interface Smb2ShareOptions extends SmbShareOptions {
  /**
   * The configuration allows the agent's SMB1 client. This client never speaks SMB1: it still reports
   * SHARE_SMB1_ONLY, and the transport factory decides whether to fall back.
   */
  allowSmb1?: boolean;
  /** Test hooks: pin dialects / ciphers / signing algorithms. */
  dialects?: number[];
  ciphers?: CipherId[];
  signingAlgorithms?: SigningAlgorithmId[];
}

/**
 * The release read through our own SMB2/3 client, with its own account: no `net use`, no clash with
 * the nurse's mapped drives (Windows error 1219), and usable on hosts without an SMB client.
 */
export class Smb2ShareClient extends SmbShareClient<Smb2Client, Smb2ShareOptions> {
  readonly transport = 'smb2';

  constructor(options: Smb2ShareOptions) {
    super('smb2', options);
  }

  protected async statPath(client: Smb2Client, sharePath: string, relPath: string): Promise<PathStat> {
    const info = await client.open(sharePath, 'any', relPath);
    await client.closeFile(info.fileId, relPath).catch(() => undefined);
    return info;
  }

  protected async probeReleaseFolder(client: Smb2Client, dir: string): Promise<void> {
    const root = await client.open(dir, 'directory', '.');
    await client.closeFile(root.fileId).catch(() => undefined);
  }

  /**
   * First round trip: CREATE + READ(first chunk) + CLOSE in one compound, which is the whole job for a
   * small file. A larger file is opened again and read on from there with several READs in flight.
   */
  protected async openStream(relPath: string, start: number, maxBytes: number, signal?: AbortSignal): Promise<Readable> {
    const client = await this.client();
    const chunkSize = client.maxReadChunk(this.options.readChunkSize ?? DEFAULT_CHUNK);
    const path = this.sharePath(relPath);
    const missing = this.missingFile(client);
    // 1 MiB covers most release files; larger ones go on with full chunks. Keeps credits for concurrency.
    const first = await client.openReadClose(path, start, Math.min(chunkSize, FIRST_READ), relPath).catch(missing);
    if (first.info.size > maxBytes) throw this.tooLarge(relPath, first.info.size, maxBytes);
    const readsInFlight = this.options.readsInFlight ?? 4;
    const stream = (fileId: Buffer | null, size: number) =>
      new ReadAheadStream({
        read: (offset, length) => client.read(fileId!, offset, length, relPath),
        close: () => (fileId ? client.closeFile(fileId, relPath) : Promise.resolve()),
        endAfterClose: true,
        chunkSize: () => chunkSize,
        readsInFlight: () => readsInFlight,
        size,
        start,
        prefix: first.data,
        file: relPath,
        errorParams: { host: this.unc.host, share: this.location },
        signal,
      });
    if (start + first.data.length >= first.info.size) return stream(null, first.info.size);
    const info = await client.open(path, 'file', relPath).catch(missing);
    if (info.size > maxBytes) {
      await client.closeFile(info.fileId).catch(() => undefined);
      throw this.tooLarge(relPath, info.size, maxBytes);
    }
    return stream(info.fileId, info.size);
  }

  protected connect(): Promise<Smb2Client> {
    const { dialects, ciphers, signingAlgorithms } = this.options;
    return Smb2Client.connect({ ...this.clientOptions(), dialects, ciphers, signingAlgorithms });
  }
}

const DEFAULT_CHUNK = 4 * 1024 * 1024;
const FIRST_READ = 1024 * 1024;
