import type { Readable } from 'node:stream';

/** One file or folder on the share, path relative to the release root, '/'-separated. */
export interface ShareEntry {
  path: string;
  size: number;
  mtimeMs: number;
  isDirectory: boolean;
}

export interface ReadStreamOptions {
  /** Byte offset to start at: how a partial download resumes. */
  start?: number;
  /** Byte offset to stop before (the manifest's size): lets the transport size its reads. */
  end?: number;
  signal?: AbortSignal;
}

/**
 * The engine's port to a release folder on a share. Implementations: native (Node fs on a UNC or
 * mounted path), smb2 (our own SMB2/3 client), smb1 (read-only NT LM 0.12 client).
 * Every method rejects with an AgentError from the share catalog, never a raw transport error.
 * Paths are always relative to the release root and already validated by the caller.
 */
export interface ShareClient {
  /** Human-readable location for messages and logs, e.g. `\\his-fs\update\nurse`. Never holds secrets. */
  readonly location: string;
  /** Transport name, shown in the IT window. */
  readonly transport: string;
  /** Entry for one path, or null when it does not exist. */
  stat(relPath: string): Promise<ShareEntry | null>;
  /** A whole small file (the manifest). Rejects when it is larger than maxBytes. */
  readFile(relPath: string, maxBytes: number): Promise<Buffer>;
  /** Every file below relDir (recursive), folders included with isDirectory=true. */
  list(relDir: string): Promise<ShareEntry[]>;
  /** The file's bytes from options.start to the end. */
  createReadStream(relPath: string, options?: ReadStreamOptions): Promise<Readable>;
  /**
   * Optional fast path for transports that read a file system (native): copies bytes [start, limit)
   * of the share file into `dest` at the same offsets, keeping and hashing dest's first `start` bytes,
   * and returns the size and sha256 of the whole result. The downloader uses it instead of
   * createReadStream when present; verification stays the downloader's.
   */
  fetchToFile?(relPath: string, dest: string, options: FetchToFileOptions): Promise<{ size: number; sha256: string }>;
  /** Releases connections; safe to call twice. */
  close(): Promise<void>;
}

export interface FetchToFileOptions {
  start: number;
  limit: number;
  onBytes: (count: number) => void;
  signal?: AbortSignal;
}

/** Settings every transport needs: where the release is and how long to wait. */
export interface ShareTarget {
  /** UNC (`\\server\share\dir`) or a local/mounted path (`/mnt/his/update`). */
  path: string;
  /** Per-request timeout (connect, read, list). */
  timeoutMs: number;
}
