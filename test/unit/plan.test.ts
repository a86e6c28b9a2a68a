import crypto from 'node:crypto';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HashCache } from '../../src/main/core/sync/hash-cache';
import type { Release } from '../../src/main/core/sync/manifest';
import { PART_SUFFIX, planSync } from '../../src/main/core/sync/plan';

const sha = (text: string) => crypto.createHash('sha256').update(text).digest('hex');
let dir: string;
beforeEach(async () => {
  dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'plan-'));
});
afterEach(() => fsp.rm(dir, { recursive: true, force: true }));

function release(files: Record<string, string>): Release {
  return { app: 'nurse', version: '2', id: 'x', listingMode: false, files: Object.entries(files).map(([p, c]) => ({ path: p, size: Buffer.byteLength(c), sha256: sha(c) })) };
}

async function put(root: string, rel: string, content: string) {
  await fsp.mkdir(path.dirname(path.join(root, rel)), { recursive: true });
  await fsp.writeFile(path.join(root, rel), content);
}

describe('sync planner', () => {
  it('marks identical files unchanged, staged ones staged, partial ones resumed, and the rest to download', async () => {
    const install = path.join(dir, 'install');
    const staging = path.join(dir, 'staging');
    await put(install, 'same.dll', 'same');
    await put(install, 'changed.dll', 'old content');
    await put(staging, 'staged.dll', 'staged new');
    await put(staging, `partial.dll${PART_SUFFIX}`, 'parti');
    const r = release({ 'same.dll': 'same', 'changed.dll': 'new content!', 'staged.dll': 'staged new', 'partial.dll': 'partial-new', 'new/added.dll': 'added' });
    const plan = await planSync(r, {
      target: install,
      targetCache: await HashCache.open(path.join(dir, 'state'), install),
      staging,
      stagingCache: await HashCache.open(path.join(dir, 'state'), staging),
    });
    const kinds = Object.fromEntries(plan.actions.map((a) => [a.file.path, a.kind === 'download' ? `download@${a.offset}` : a.kind]));
    expect(kinds).toEqual({ 'same.dll': 'unchanged', 'changed.dll': 'download@0', 'staged.dll': 'staged', 'partial.dll': 'download@5', 'new/added.dll': 'download@0' });
    expect(plan.bytesToDownload).toBe('new content!'.length + 'partial-new'.length - 5 + 'added'.length);
    expect(plan.filesChanged).toBe(4);
  });

  it('an unchanged tree is recognised from the hash cache without re-reading files', async () => {
    const install = path.join(dir, 'install');
    const files: Record<string, string> = {};
    for (let i = 0; i < 20; i++) {
      files[`f${i}.dat`] = `content ${i}`.repeat(100);
      await put(install, `f${i}.dat`, files[`f${i}.dat`]!);
    }
    const state = path.join(dir, 'state');
    const first = await HashCache.open(state, install);
    await planSync(release(files), { target: install, targetCache: first, staging: install, stagingCache: first });
    expect(first.hashedBytes).toBeGreaterThan(0);
    await first.save();
    const second = await HashCache.open(state, install);
    const plan = await planSync(release(files), { target: install, targetCache: second, staging: install, stagingCache: second });
    expect(second.hashedBytes).toBe(0);
    expect(plan.filesChanged).toBe(0);
    expect(plan.bytesToDownload).toBe(0);
  });

  it('a file changed behind the cache (new size or mtime) is hashed again and caught', async () => {
    const install = path.join(dir, 'install');
    await put(install, 'a.dll', 'version one');
    const state = path.join(dir, 'state');
    const cache = await HashCache.open(state, install);
    const r = release({ 'a.dll': 'version one' });
    expect((await planSync(r, { target: install, targetCache: cache, staging: install, stagingCache: cache })).filesChanged).toBe(0);
    await fsp.writeFile(path.join(install, 'a.dll'), 'version two');
    await fsp.utimes(path.join(install, 'a.dll'), new Date(), new Date(Date.now() + 5000));
    expect((await planSync(r, { target: install, targetCache: cache, staging: install, stagingCache: cache })).filesChanged).toBe(1);
  });

  it('listing mode (no manifest) compares size and mtime like robocopy', async () => {
    const install = path.join(dir, 'install');
    await put(install, 'a.dll', 'aaaa');
    const mtime = (await fsp.stat(path.join(install, 'a.dll'))).mtimeMs;
    const cache = await HashCache.open(path.join(dir, 'state'), install);
    const listing: Release = { app: 'nurse', version: '2', id: 'l', listingMode: true, files: [{ path: 'a.dll', size: 4, mtimeMs: mtime }, { path: 'b.dll', size: 4, mtimeMs: mtime }] };
    const plan = await planSync(listing, { target: install, targetCache: cache, staging: install, stagingCache: cache });
    expect(plan.actions.map((a) => a.kind)).toEqual(['unchanged', 'download']);
  });
});
