import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { zipSync, strToU8 } from 'fflate';
import { redact, redactValue } from '../config/redact';
import type { EngineContext } from '../engine/context';
import type { StatusFile } from '../report/status-store';
import type { DiagnosisReport } from './types';

const MAX_LOG_BYTES = 5 * 1024 * 1024;

export interface BundleInput {
  engine: EngineContext;
  logFile: string;
  status: StatusFile;
  diagnosis: DiagnosisReport | { error: string };
  outFile?: string;
}

/**
 * One zip for IT: logs, the config with every secret masked, the diagnosis, status history, agent and
 * OS versions. Every text passes redact() (resolved secret values) and JSON additionally redactValue()
 * (any key named password/secret/protected), so no secret from the config can be inside.
 */
export async function writeSupportBundle(input: BundleInput): Promise<{ path: string; bytes: number; entries: string[] }> {
  const { engine } = input;
  await registerConfiguredSecrets(engine);
  const files: Record<string, Uint8Array> = {};
  const addText = (name: string, text: string) => {
    files[name] = strToU8(redact(text));
  };
  const addJson = (name: string, value: unknown) => addText(name, `${JSON.stringify(redactValue(value), null, 2)}\n`);

  const logDir = path.dirname(input.logFile);
  for (const name of [path.basename(input.logFile), path.basename(input.logFile).replace(/\.log$/, '.old.log')]) {
    const text = await readTail(path.join(logDir, name));
    if (text !== null) addText(`logs/${name}`, text);
  }
  const configText = await fsp.readFile(engine.loaded.file, 'utf8').catch((error: unknown) => `(unreadable: ${String(error)})`);
  try {
    addJson('config.redacted.json', JSON.parse(configText.replace(/^\uFEFF/, '')));
  } catch {
    addText('config.redacted.txt', configText.replace(/("(?:password|pwd|secret|protected)"\s*:\s*)("[^"]*"|\{[^}]*\})/gi, '$1"***"'));
  }
  addJson('config.effective.json', engine.loaded.config);
  addJson('diagnosis.json', input.diagnosis);
  addJson('status.json', input.status);
  addJson('system.json', {
    agentVersion: engine.agentVersion,
    createdAt: new Date().toISOString(),
    machine: engine.machine,
    user: engine.user,
    os: { type: os.type(), release: os.release(), version: os.version(), arch: os.arch(), uptimeSeconds: Math.round(os.uptime()) },
    runtime: { node: process.versions.node, electron: process.versions.electron ?? null },
    configFile: engine.loaded.file,
    dirs: engine.loaded.dirs,
  });

  const zip = zipSync(files, { level: 6 });
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const out = input.outFile ?? path.join(path.dirname(engine.loaded.dirs.logDir), 'support', `his-update-support-${engine.machine}-${stamp}.zip`);
  await fsp.mkdir(path.dirname(out), { recursive: true });
  await fsp.writeFile(out, zip, { mode: 0o600 });
  return { path: out, bytes: zip.length, entries: Object.keys(files) };
}

/** Resolves every secret the config references, so redact() knows their values even if no check used them. */
async function registerConfiguredSecrets(engine: EngineContext): Promise<void> {
  const { config } = engine.loaded;
  const refs = [config.database?.authentication.password, ...config.apps.map((a) => a.share.password)];
  for (const ref of refs) if (ref) await engine.secrets.resolve(ref).catch(() => {});
}

async function readTail(file: string): Promise<string | null> {
  try {
    const handle = await fsp.open(file, 'r');
    try {
      const { size } = await handle.stat();
      const start = Math.max(0, size - MAX_LOG_BYTES);
      const buffer = Buffer.alloc(size - start);
      await handle.read(buffer, 0, buffer.length, start);
      return buffer.toString('utf8');
    } finally {
      await handle.close();
    }
  } catch {
    return null;
  }
}
