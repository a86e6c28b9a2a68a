import crypto from 'node:crypto';
import { z } from 'zod';
import { AgentError } from '../errors/agent-error';
import { formatKeyPath } from '../config/load';
import { isValidVersion } from '../version/compare';
import { pathSetProblem, releasePathProblem } from './release-path';

export const MANIFEST_NAME = 'his-release.json';
export const MANIFEST_FORMAT = 1;
/** A manifest is read whole: bound it before reading (about 150 bytes an entry). */
export const MAX_MANIFEST_BYTES = 32 * 1024 * 1024;
export const MAX_FILES = 100_000;
export const MAX_FILE_SIZE = 16 * 1024 ** 3;
export const MAX_TOTAL_SIZE = 64 * 1024 ** 3;

const fileSchema = z
  .object({
    path: z.string(),
    size: z.number().int().min(0).max(MAX_FILE_SIZE),
    sha256: z.string().regex(/^[0-9a-f]{64}$/, 'a lowercase hex sha256'),
  })
  .strict();

const updaterEntrySchema = z
  .object({
    path: z.string(),
    args: z.array(z.string().max(1024)).max(64).default([]),
    successExitCodes: z.array(z.number().int()).min(1).max(64).default([0]),
    timeoutSeconds: z.number().positive().max(24 * 3600).optional(),
  })
  .strict();

export const manifestSchema = z
  .object({
    format: z.literal(MANIFEST_FORMAT),
    app: z.string().min(1).max(64),
    version: z.string().refine(isValidVersion, 'a version such as 5.2.0.123'),
    createdAt: z.string().max(64).optional(),
    notes: z.string().max(10_000).optional(),
    files: z.array(fileSchema).max(MAX_FILES),
    updater: updaterEntrySchema.optional(),
  })
  .strict()
  .superRefine((m, ctx) => {
    m.files.forEach((f, i) => {
      const problem = releasePathProblem(f.path);
      if (problem) ctx.addIssue({ code: 'custom', path: ['files', i, 'path'], message: problem });
    });
    const dup = pathSetProblem(m.files.map((f) => f.path));
    if (dup) {
      const index = m.files.findIndex((f) => f.path === dup.path);
      ctx.addIssue({ code: 'custom', path: ['files', index, 'path'], message: `${JSON.stringify(dup.path)} ${dup.reason}` });
    }
    const total = m.files.reduce((sum, f) => sum + f.size, 0);
    if (total > MAX_TOTAL_SIZE) ctx.addIssue({ code: 'custom', path: ['files'], message: `total size ${total} exceeds ${MAX_TOTAL_SIZE}` });
    if (m.updater) {
      const problem = releasePathProblem(m.updater.path);
      if (problem) ctx.addIssue({ code: 'custom', path: ['updater', 'path'], message: problem });
      else if (!m.files.some((f) => f.path.toUpperCase() === m.updater!.path.toUpperCase())) {
        ctx.addIssue({ code: 'custom', path: ['updater', 'path'], message: 'must be one of the files' });
      }
    }
  });

export type ReleaseManifest = z.infer<typeof manifestSchema>;
export type ManifestFile = ReleaseManifest['files'][number];

/** A release as the engine plans it: from a manifest, or from a share listing (no hashes). */
export interface Release {
  app: string;
  version: string;
  files: ReleaseFile[];
  updater?: ReleaseManifest['updater'];
  /** sha256 of the manifest bytes (or of the listing): identifies the release for resume. */
  id: string;
  /** true when integrity can only be checked by size (no manifest on the share). */
  listingMode: boolean;
  notes?: string;
}

export interface ReleaseFile {
  path: string;
  size: number;
  sha256?: string;
  /** Listing mode only: the share's mtime, compared like robocopy does. */
  mtimeMs?: number;
}

export function parseManifest(bytes: Buffer, source: string): ReleaseManifest {
  if (bytes.length > MAX_MANIFEST_BYTES) {
    throw new AgentError('MANIFEST_INVALID', { file: source, key: '(file)', reason: `is larger than ${MAX_MANIFEST_BYTES} bytes` });
  }
  let raw: unknown;
  try {
    raw = JSON.parse(bytes.toString('utf8').replace(/^\uFEFF/, ''));
  } catch (error) {
    throw new AgentError('MANIFEST_INVALID', { file: source, key: '(JSON)', reason: 'is not valid JSON' }, error);
  }
  const result = manifestSchema.safeParse(raw);
  if (!result.success) {
    const first = result.error.issues[0]!;
    throw new AgentError(
      'MANIFEST_INVALID',
      { file: source, key: formatKeyPath(first.path), reason: first.message },
      result.error.issues.slice(0, 20).map((i) => `${formatKeyPath(i.path)}: ${i.message}`).join('; '),
    );
  }
  return result.data;
}

export function releaseFromManifest(manifest: ReleaseManifest, bytes: Buffer): Release {
  return {
    app: manifest.app,
    version: manifest.version,
    files: manifest.files.map((f) => ({ path: f.path, size: f.size, sha256: f.sha256 })),
    ...(manifest.updater ? { updater: manifest.updater } : {}),
    ...(manifest.notes ? { notes: manifest.notes } : {}),
    id: crypto.createHash('sha256').update(bytes).digest('hex'),
    listingMode: false,
  };
}

export function serializeManifest(manifest: ReleaseManifest): string {
  return `${JSON.stringify(manifest, null, 2)}\n`;
}
