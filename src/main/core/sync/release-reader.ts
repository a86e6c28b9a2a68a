import crypto from 'node:crypto';
import { AgentError } from '../errors/agent-error';
import type { ShareClient } from '../share/share-client';
import { MANIFEST_NAME, MAX_FILES, MAX_MANIFEST_BYTES, parseManifest, releaseFromManifest, type Release } from './manifest';
import { pathSetProblem, releasePathProblem } from './release-path';

/**
 * Reads what the share holds for an app: the manifest when present (sha256 per file), otherwise,
 * when allowed, a listing of the folder (size + mtime, like robocopy) for releases published by hand.
 */
export async function readRelease(share: ShareClient, options: { appId: string; version?: string; allowListing: boolean }): Promise<Release> {
  const entry = await share.stat(MANIFEST_NAME);
  if (entry && !entry.isDirectory) {
    // Refused as a bad release (republish), not as a share read error (retry later): the size is known already.
    if (entry.size > MAX_MANIFEST_BYTES) {
      throw new AgentError('MANIFEST_INVALID', { file: `${share.location} ${MANIFEST_NAME}`, key: '(file)', reason: `is larger than ${MAX_MANIFEST_BYTES} bytes (${entry.size})` });
    }
    const bytes = await share.readFile(MANIFEST_NAME, MAX_MANIFEST_BYTES);
    const manifest = parseManifest(bytes, `${share.location} ${MANIFEST_NAME}`);
    if (manifest.app.toLowerCase() !== options.appId.toLowerCase()) {
      throw new AgentError('MANIFEST_APP_MISMATCH', { share: share.location, found: manifest.app, app: options.appId });
    }
    return releaseFromManifest(manifest, bytes);
  }
  if (!options.allowListing || !options.version) throw new AgentError('MANIFEST_MISSING', { share: share.location });
  return releaseFromListing(share, options.appId, options.version);
}

async function releaseFromListing(share: ShareClient, appId: string, version: string): Promise<Release> {
  const entries = (await share.list('')).filter((e) => !e.isDirectory);
  if (entries.length > MAX_FILES) {
    throw new AgentError('MANIFEST_INVALID', { file: share.location, key: '(listing)', reason: `holds more than ${MAX_FILES} files` });
  }
  for (const e of entries) {
    const problem = releasePathProblem(e.path);
    if (problem) throw new AgentError('MANIFEST_INVALID', { file: share.location, key: e.path, reason: problem });
  }
  const dup = pathSetProblem(entries.map((e) => e.path));
  if (dup) throw new AgentError('MANIFEST_INVALID', { file: share.location, key: dup.path, reason: dup.reason });
  const files = entries.map((e) => ({ path: e.path, size: e.size, mtimeMs: e.mtimeMs })).sort((a, b) => a.path.localeCompare(b.path));
  const id = crypto.createHash('sha256').update(JSON.stringify({ version, files })).digest('hex');
  return { app: appId, version, files, id, listingMode: true };
}
