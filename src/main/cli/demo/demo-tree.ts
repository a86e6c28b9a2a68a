import crypto from 'node:crypto';
import fsp from 'node:fs/promises';
import path from 'node:path';

export interface TreeSpec {
  /** Number of files (spread over a few folders like a real HIS client). */
  files: number;
  /** Total bytes, spread unevenly between files. */
  totalBytes: number;
  /** Same seed, same tree: v1 and v2 share most files, as real releases do. */
  seed: string;
  /** Files whose content depends on this tag (the files that change between versions). */
  changedEvery?: number;
  versionTag?: string;
}

const FOLDERS = ['bin', 'bin/plugins', 'reports', 'dict', 'help', 'templates/nursing', 'templates/orders'];
const EXTENSIONS = ['.dll', '.dll', '.frx', '.xml', '.html', '.dat', '.ini'];

/** Relative paths and sizes of a deterministic tree; sizes follow a skewed distribution like real releases. */
export function treeLayout(spec: TreeSpec): Array<{ path: string; size: number }> {
  const weights = Array.from({ length: spec.files }, (_, i) => {
    const h = crypto.createHash('sha256').update(`${spec.seed}:w:${i}`).digest();
    return 1 + (h.readUInt32BE(0) % 1000) ** 2 / 1000;
  });
  const sum = weights.reduce((a, b) => a + b, 0);
  return weights.map((w, i) => {
    const folder = FOLDERS[i % FOLDERS.length]!;
    const ext = EXTENSIONS[i % EXTENSIONS.length]!;
    return { path: `${folder}/file${String(i).padStart(5, '0')}${ext}`, size: Math.max(1, Math.floor((w / sum) * spec.totalBytes)) };
  });
}

/** Writes the tree; content is pseudo-random (incompressible) and reproducible from the seed. */
export async function writeTree(root: string, spec: TreeSpec): Promise<Array<{ path: string; size: number }>> {
  const layout = treeLayout(spec);
  for (const [i, file] of layout.entries()) {
    const changes = spec.changedEvery !== undefined && spec.versionTag !== undefined && i % spec.changedEvery === 0;
    const full = path.join(root, ...file.path.split('/'));
    await fsp.mkdir(path.dirname(full), { recursive: true });
    await fsp.writeFile(full, pseudoRandomBytes(`${spec.seed}:${i}:${changes ? spec.versionTag : 'base'}`, file.size));
  }
  return layout;
}

export function pseudoRandomBytes(seed: string, size: number): Buffer {
  const key = crypto.createHash('sha256').update(seed).digest();
  const cipher = crypto.createCipheriv('aes-256-ctr', key, Buffer.alloc(16));
  return Buffer.concat([cipher.update(Buffer.alloc(size)), cipher.final()]);
}
