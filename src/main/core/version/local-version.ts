import fs from 'node:fs/promises';
import path from 'node:path';
import { AgentError } from '../errors/agent-error';
import type { AppConfig, LocalVersionConfig } from '../config/schema';
import { decodeConsoleOutput, type CommandRunner } from '../platform/command-runner';
import { isValidVersion } from './compare';
import { readPeFileVersion } from './pe-version';
import { parseRegQueryOutput, regQueryArgs, registryValueToText } from './registry';

const VERSION_TOKEN = /[vV]?\d+(?:[._]\d+)+(?:[-+.][0-9A-Za-z]+)*|\b\d{6,}\b/;
const MAX_VERSION_FILE = 64 * 1024;

export interface LocalVersionDeps {
  commands: CommandRunner;
}

/**
 * The installed version of an app, or null when nothing is installed yet (file, value or exe absent),
 * which the policy treats as "update". Anything present but unreadable is LOCAL_VERSION_UNREADABLE.
 */
export async function readLocalVersion(app: AppConfig, deps: LocalVersionDeps): Promise<string | null> {
  const spec = app.localVersion;
  const failure = (detail: unknown) =>
    new AgentError('LOCAL_VERSION_UNREADABLE', { app: app.displayName, source: describeLocalVersionSource(spec), dir: app.installDir }, detail);
  switch (spec.type) {
    case 'file': {
      const file = path.resolve(app.installDir, spec.path);
      let bytes: Buffer;
      try {
        const handle = await fs.open(file, 'r');
        try {
          const buffer = Buffer.alloc(MAX_VERSION_FILE);
          const { bytesRead } = await handle.read(buffer, 0, MAX_VERSION_FILE, 0);
          bytes = buffer.subarray(0, bytesRead);
        } finally {
          await handle.close();
        }
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
        throw failure(error);
      }
      const text = decodeText(bytes, spec.encoding);
      const version = extractVersion(text, spec.pattern);
      if (!version) throw failure(`no version found in ${file}: ${JSON.stringify(text.slice(0, 80))}`);
      return version;
    }
    case 'registry': {
      let result;
      try {
        result = await deps.commands.run('reg.exe', regQueryArgs(spec.key, spec.value), { timeoutMs: 10_000 });
      } catch (error) {
        throw failure(error);
      }
      const output = decodeConsoleOutput(result.stdout);
      if (result.code !== 0) {
        // reg.exe exits 1 with "unable to find the specified registry key or value": not installed.
        const stderr = decodeConsoleOutput(result.stderr);
        if (/unable to find|找不到/i.test(stderr + output)) return null;
        throw failure(`reg.exe exit ${result.code}: ${stderr.trim()}`);
      }
      const wanted = spec.value === '(Default)' ? '(Default)' : spec.value.toLowerCase();
      const value = parseRegQueryOutput(output).find((v) => v.name.toLowerCase() === wanted || (wanted === '(Default)' && /^\((Default|默认)\)$/.test(v.name)));
      if (!value) throw failure(`value ${spec.value} not in reg.exe output`);
      const version = extractVersion(registryValueToText(value), undefined);
      if (!version) throw failure(`registry value is not a version: ${JSON.stringify(value.data)}`);
      return version;
    }
    case 'pe': {
      const file = path.resolve(app.installDir, spec.path);
      let bytes: Buffer;
      try {
        bytes = await fs.readFile(file);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
        throw failure(error);
      }
      try {
        const version = readPeFileVersion(bytes);
        if (!version) throw new Error(`${file} has no version resource`);
        return version;
      } catch (error) {
        throw failure(error);
      }
    }
  }
}

export function describeLocalVersionSource(spec: LocalVersionConfig): string {
  switch (spec.type) {
    case 'file':
      return `file ${spec.path}`;
    case 'registry':
      return `registry ${spec.key}\\${spec.value}`;
    case 'pe':
      return `file version of ${spec.path}`;
  }
}

/** With a pattern, its first group (or whole match); otherwise the first version-like token. */
export function extractVersion(text: string, pattern: string | undefined): string | null {
  if (pattern) {
    const match = new RegExp(pattern, 'm').exec(text);
    const found = match ? (match[1] ?? match[0]).trim() : '';
    return found && isValidVersion(found) ? found : null;
  }
  const trimmed = text.trim();
  if (isValidVersion(trimmed)) return trimmed;
  const match = VERSION_TOKEN.exec(text);
  return match ? match[0] : null;
}

function decodeText(bytes: Buffer, encoding: 'utf8' | 'utf16le' | 'gbk'): string {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return bytes.subarray(2).toString('utf16le');
  if (encoding === 'gbk') return new TextDecoder('gbk').decode(bytes);
  return bytes.toString(encoding).replace(/^\uFEFF/, '');
}
