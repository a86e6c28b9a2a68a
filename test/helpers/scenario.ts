import crypto from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { writeTree } from '../../src/main/cli/demo/demo-tree';
import { DEMO_UPDATER_NAME, DEMO_UPDATER_SOURCE } from '../../src/main/cli/demo/demo-updater';
import { publishRelease } from '../../src/main/core/sync/publish';

export interface ScenarioOptions {
  mode: 'mirror' | 'run-updater';
  files?: number;
  totalBytes?: number;
  /** Source of the release's updater script (run-updater mode); default: copies the release into the install dir. */
  updaterSource?: string;
  updaterTimeoutSeconds?: number;
  /** Extra keys merged into the app's config. */
  app?: Record<string, unknown>;
  /** Extra keys merged into the agent section. */
  agent?: Record<string, unknown>;
  /** Share path the config points at (default: the local share folder). */
  sharePath?: string;
  /** Extra files with fixed content in v2 (e.g. one big file for resume tests). */
  extraV2Files?: Record<string, Buffer>;
}

export interface Scenario {
  root: string;
  shareDir: string;
  installDir: string;
  configFile: string;
  stateDir: string;
  stagingDir: string;
  /** Hash of every install file after v1 was installed / as v2 must look. */
  v1Hashes: Map<string, string>;
  v2Hashes: Map<string, string>;
  writeConfig(change?: (config: Record<string, unknown>) => void): Promise<void>;
  cleanup(): Promise<void>;
}

/**
 * A temp folder with a share holding release 2.0.0 (manifest published), an install at 1.0.0 that
 * shares a third of its files with v2, and a config pointing at both. v2Hashes is what the install
 * must equal after a successful update (for run-updater mode: the release minus the updater).
 */
export async function createScenario(options: ScenarioOptions): Promise<Scenario> {
  const root = await fsp.mkdtemp(path.join(os.tmpdir(), 'his-scn-'));
  await fsp.chmod(root, 0o755);
  const shareDir = path.join(root, 'share', 'nurse');
  const installDir = path.join(root, 'his');
  const files = options.files ?? 60;
  const totalBytes = options.totalBytes ?? 2 * 1024 * 1024;
  await writeTree(shareDir, { files, totalBytes, seed: 'scn', changedEvery: 3, versionTag: 'v2' });
  await fsp.writeFile(path.join(shareDir, 'version.txt'), '2.0.0\n');
  for (const [rel, content] of Object.entries(options.extraV2Files ?? {})) {
    await fsp.mkdir(path.dirname(path.join(shareDir, rel)), { recursive: true });
    await fsp.writeFile(path.join(shareDir, rel), content);
  }
  const runUpdater = options.mode === 'run-updater';
  if (runUpdater) await fsp.writeFile(path.join(shareDir, DEMO_UPDATER_NAME), options.updaterSource ?? DEMO_UPDATER_SOURCE);
  await publishRelease({
    dir: shareDir,
    app: 'nurse',
    version: '2.0.0',
    ...(runUpdater ? { updater: { path: DEMO_UPDATER_NAME, args: ['{installDir}'], successExitCodes: [0] } } : {}),
  });
  await writeTree(installDir, { files, totalBytes, seed: 'scn', changedEvery: 3, versionTag: 'v1' });
  await fsp.writeFile(path.join(installDir, 'version.txt'), '1.0.0\n');

  const v1Hashes = await hashTree(installDir);
  const v2Hashes = await hashTree(shareDir);
  v2Hashes.delete('his-release.json');
  if (runUpdater) v2Hashes.delete(DEMO_UPDATER_NAME);

  const configFile = path.join(root, 'config.json');
  const stateDir = path.join(root, 'state');
  const stagingDir = path.join(root, 'staging');
  const baseConfig = (): Record<string, unknown> => ({
    agent: { stateDir, stagingDir, logDir: path.join(root, 'logs'), retryBackoffSeconds: 0.05, ...options.agent },
    apps: [
      {
        id: 'nurse',
        displayName: '护士工作站',
        installDir,
        localVersion: { type: 'file', path: 'version.txt' },
        versionSource: { type: 'manifest' },
        share: { path: options.sharePath ?? shareDir, transport: 'native', timeoutSeconds: 10 },
        apply: runUpdater ? { mode: 'run-updater', timeoutSeconds: options.updaterTimeoutSeconds ?? 60 } : { mode: 'mirror' },
        ...options.app,
      },
    ],
  });
  const writeConfig = async (change?: (config: Record<string, unknown>) => void) => {
    const config = baseConfig();
    change?.(config);
    await fsp.writeFile(configFile, JSON.stringify(config, null, 2));
  };
  await writeConfig();
  return {
    root,
    shareDir,
    installDir,
    configFile,
    stateDir,
    stagingDir,
    v1Hashes,
    v2Hashes,
    writeConfig,
    cleanup: () => fsp.rm(root, { recursive: true, force: true }),
  };
}

/** sha256 of every file below dir (the agent's own work folder excluded), keyed by '/'-path. */
export async function hashTree(dir: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const walk = async (abs: string, rel: string) => {
    for (const entry of await fsp.readdir(abs, { withFileTypes: true })) {
      if (entry.name === '.his-update-apply') continue;
      const childRel = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) await walk(path.join(abs, entry.name), childRel);
      else out.set(childRel, crypto.createHash('sha256').update(await fsp.readFile(path.join(abs, entry.name))).digest('hex'));
    }
  };
  await walk(dir, '');
  return out;
}

/** True when every file the expectation names has the expected hash (extra files in the install are allowed). */
export function treeMatches(actual: Map<string, string>, expected: Map<string, string>): boolean {
  for (const [rel, hash] of expected) if (actual.get(rel) !== hash) return false;
  return true;
}

/** Which of the two versions the install is wholly at: 'old', 'new', or 'mixed'. */
export async function installState(s: Scenario): Promise<'old' | 'new' | 'mixed'> {
  const actual = await hashTree(s.installDir);
  if (treeMatches(actual, s.v2Hashes)) return 'new';
  if (treeMatches(actual, s.v1Hashes)) return 'old';
  return 'mixed';
}

export function listFilesRecursive(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return (fs.readdirSync(dir, { recursive: true, withFileTypes: true }) as fs.Dirent[])
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)));
}
