import fs from 'node:fs/promises';
import path from 'node:path';
import type { z } from 'zod';
import { AgentError } from '../errors/agent-error';
import { configSchema, type AgentConfig } from './schema';
import { resolveAgentDirs, type AgentDirs, type PlatformEnv, currentPlatform } from './paths';

export interface LoadedConfig {
  file: string;
  config: AgentConfig;
  dirs: AgentDirs;
}

/** Largest config we accept: a typo'd path to a log file must not be read into memory. */
const MAX_CONFIG_BYTES = 1024 * 1024;

export async function loadConfig(file: string, platform: PlatformEnv = currentPlatform()): Promise<LoadedConfig> {
  const absolute = path.resolve(file);
  let text: string;
  try {
    const stat = await fs.stat(absolute);
    if (stat.size > MAX_CONFIG_BYTES) {
      throw new AgentError('CONFIG_INVALID', { file: absolute, key: '(file)', expected: `a JSON file under 1 MiB (it has ${stat.size} bytes)` });
    }
    text = await fs.readFile(absolute, 'utf8');
  } catch (error) {
    if (error instanceof AgentError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new AgentError('CONFIG_NOT_FOUND', { file: absolute }, error);
    throw new AgentError('CONFIG_UNREADABLE', { file: absolute, reason: code ?? 'error' }, error);
  }
  const config = parseConfigText(text, absolute);
  return { file: absolute, config, dirs: resolveAgentDirs(absolute, config.agent, platform) };
}

/** Parses and validates config text; errors name the file, the key path and what was expected. */
export function parseConfigText(text: string, file: string): AgentConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    const where = jsonErrorPosition(text, error);
    throw new AgentError('CONFIG_INVALID', { file, key: where, expected: '合法的 JSON / valid JSON' }, error);
  }
  const result = configSchema.safeParse(raw);
  if (!result.success) {
    const first = result.error.issues[0]!;
    throw new AgentError(
      'CONFIG_INVALID',
      { file, key: formatKeyPath(first.path), expected: describeIssue(first) },
      result.error.issues.map((i) => `${formatKeyPath(i.path)}: ${i.message}`).join('; '),
    );
  }
  return result.data;
}

/** ['apps', 0, 'share', 'path'] → "apps[0].share.path" */
export function formatKeyPath(keyPath: ReadonlyArray<PropertyKey>): string {
  if (keyPath.length === 0) return '(root)';
  return keyPath
    .map((part, i) => (typeof part === 'number' ? `[${part}]` : `${i === 0 ? '' : '.'}${String(part)}`))
    .join('');
}

function describeIssue(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      return issue.input === undefined ? `a value (${issue.expected}) but it is missing` : `${issue.expected}`;
    case 'unrecognized_keys':
      return `no unknown key (found ${issue.keys.join(', ')})`;
    case 'invalid_value':
      return `one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'invalid_union':
      return issue.message.startsWith('Invalid input') ? 'one of the documented forms' : issue.message;
    default:
      return issue.message.replace(/^Invalid input: /, '');
  }
}

function jsonErrorPosition(text: string, error: unknown): string {
  const match = /position (\d+)/.exec(String((error as Error).message));
  if (!match) return '(JSON)';
  const offset = Number(match[1]);
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  const column = offset - before.lastIndexOf('\n');
  return `line ${line}, column ${column}`;
}
