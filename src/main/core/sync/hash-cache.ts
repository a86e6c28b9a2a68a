import crypto from 'node:crypto';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { readJsonFile, sha256File, writeFileAtomic } from '../util/fs-atomic';

interface CachedHash {
  size: number;
  mtimeMs: number;
  sha256: string;
}

/**
 * sha256 of local files, remembered by size + mtime so an up-to-date check hashes nothing that has
 * not changed since the last run. One cache file per folder (install dir, release copy).
 */
export class HashCache {
  private entries = new Map<string, CachedHash>();
  private dirty = false;
  hashedBytes = 0;

  private constructor(private readonly file: string) {}

  static async open(stateDir: string, folder: string): Promise<HashCache> {
    const id = crypto.createHash('sha256').update(path.resolve(folder)).digest('hex').slice(0, 16);
    const cache = new HashCache(path.join(stateDir, 'hash-cache', `${id}.json`));
    try {
      const saved = await readJsonFile<Record<string, CachedHash>>(cache.file);
      if (saved) cache.entries = new Map(Object.entries(saved));
    } catch {
      // A damaged cache only costs re-hashing.
    }
    return cache;
  }

  /** The file's sha256, from the cache when size and mtime still match; null when it does not exist. */
  async hash(relPath: string, fullPath: string): Promise<{ sha256: string; size: number; mtimeMs: number } | null> {
    let stat;
    try {
      stat = await fsp.stat(fullPath);
    } catch {
      return null;
    }
    if (!stat.isFile()) return null;
    const cached = this.entries.get(relPath);
    if (cached && cached.size === stat.size && cached.mtimeMs === stat.mtimeMs) return cached;
    const sha256 = await sha256File(fullPath);
    this.hashedBytes += stat.size;
    this.remember(relPath, { size: stat.size, mtimeMs: stat.mtimeMs, sha256 });
    return { sha256, size: stat.size, mtimeMs: stat.mtimeMs };
  }

  /** Records a hash we already know (a file we just verified and placed). */
  async rememberFile(relPath: string, fullPath: string, sha256: string): Promise<void> {
    const stat = await fsp.stat(fullPath);
    this.remember(relPath, { size: stat.size, mtimeMs: stat.mtimeMs, sha256 });
  }

  forget(relPath: string): void {
    if (this.entries.delete(relPath)) this.dirty = true;
  }

  private remember(relPath: string, entry: CachedHash): void {
    this.entries.set(relPath, entry);
    this.dirty = true;
  }

  async save(): Promise<void> {
    if (!this.dirty) return;
    await writeFileAtomic(this.file, JSON.stringify(Object.fromEntries(this.entries)));
    this.dirty = false;
  }
}
