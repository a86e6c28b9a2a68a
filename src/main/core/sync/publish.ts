import fsp from 'node:fs/promises';
import path from 'node:path';
import { AgentError } from '../errors/agent-error';
import { isValidVersion } from '../version/compare';
import { sha256File, writeFileAtomic } from '../util/fs-atomic';
import { MANIFEST_FORMAT, MANIFEST_NAME, manifestSchema, serializeManifest, type ReleaseManifest } from './manifest';
import { pathSetProblem, releasePathProblem } from './release-path';

export interface PublishInput {
  dir: string;
  app: string;
  version: string;
  updater?: { path: string; args: string[]; successExitCodes: number[]; timeoutSeconds?: number };
  notes?: string;
  now?: Date;
}

/**
 * Writes his-release.json for a release folder: every file's relative path, size and sha256. Refuses
 * names Windows cannot hold or that could escape the install folder, listing the offending file.
 */
export async function publishRelease(input: PublishInput): Promise<{ manifest: ReleaseManifest; file: string; totalBytes: number }> {
  const manifestPath = path.join(input.dir, MANIFEST_NAME);
  if (!isValidVersion(input.version)) {
    throw new AgentError('VERSION_INVALID', { version: input.version, source: 'publish --version' });
  }
  const relPaths = await listFiles(input.dir);
  for (const rel of relPaths) {
    const problem = releasePathProblem(rel);
    if (problem) throw new AgentError('MANIFEST_INVALID', { file: manifestPath, key: rel, reason: problem });
  }
  const dup = pathSetProblem(relPaths);
  if (dup) throw new AgentError('MANIFEST_INVALID', { file: manifestPath, key: dup.path, reason: dup.reason });
  const files: ReleaseManifest['files'] = [];
  let totalBytes = 0;
  for (const rel of relPaths) {
    const full = path.join(input.dir, ...rel.split('/'));
    const { size } = await fsp.stat(full);
    files.push({ path: rel, size, sha256: await sha256File(full) });
    totalBytes += size;
  }
  const candidate = {
    format: MANIFEST_FORMAT,
    app: input.app,
    version: input.version,
    createdAt: (input.now ?? new Date()).toISOString(),
    ...(input.notes ? { notes: input.notes } : {}),
    files,
    ...(input.updater ? { updater: input.updater } : {}),
  };
  const checked = manifestSchema.safeParse(candidate);
  if (!checked.success) {
    const issue = checked.error.issues[0]!;
    throw new AgentError('MANIFEST_INVALID', { file: manifestPath, key: issue.path.join('.'), reason: issue.message });
  }
  await writeFileAtomic(manifestPath, serializeManifest(checked.data), 0o644);
  return { manifest: checked.data, file: manifestPath, totalBytes };
}

/** Every regular file below dir as a sorted '/'-path, the manifest itself excluded. */
async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (abs: string, rel: string) => {
    for (const entry of await fsp.readdir(abs, { withFileTypes: true })) {
      const childRel = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) await walk(path.join(abs, entry.name), childRel);
      else if (entry.isFile() && childRel !== MANIFEST_NAME) out.push(childRel);
    }
  };
  await walk(dir, '');
  return out.sort();
}
