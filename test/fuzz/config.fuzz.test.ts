import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { parseConfigText } from '../../src/main/core/config/load';
import { AgentError } from '../../src/main/core/errors/agent-error';
import { runCli } from '../helpers/cli';
import { FaultTable } from '../faults/support/fault-table';
import { inPool } from '../faults/support/rng';

/**
 * Config fuzzing: a valid config with one random mutation (a key removed, a value replaced by a
 * random JSON value, an unknown key added) and random text. Every invalid config must give
 * CONFIG_INVALID whose key names the mutated place (or the documented cross-field key); nothing else
 * may be thrown; and the CLI given such configs exits 2 with one JSON line, never a stack trace.
 */
const table = new FaultTable('fuzz-config');
afterAll(() => table.print());

const RUNS = Number(process.env.HIS_FUZZ_RUNS ?? 400);
const FILE = 'C:\\ProgramData\\HisUpdateAgent\\config.json';

const BASE = {
  agent: { stateDir: 'state', stagingDir: 'staging', logDir: 'logs', downloadConcurrency: 4, retries: 3, retryBackoffSeconds: 1, historyLimit: 200 },
  schedule: { checkAtStart: true, intervalMinutes: 60, jitterMinutes: 10, window: { start: '22:00', end: '06:00' }, autoStart: true },
  database: { server: 'his-db', port: 1433, database: 'his', authentication: { type: 'sql', user: 'his_update', password: { env: 'HIS_DB_PASSWORD' } }, encrypt: 'off', connectTimeoutSeconds: 15, requestTimeoutSeconds: 15 },
  fleet: { enabled: true, table: 'dbo.his_update_status', queueLimit: 500 },
  apps: [
    {
      id: 'nurse',
      displayName: '护士工作站',
      installDir: 'D:\\his\\nurse',
      localVersion: { type: 'file', path: 'version.txt' },
      versionSource: { type: 'mssql', query: 'SELECT version FROM his_versions WHERE app = @app' },
      share: { path: '\\\\his-fs\\update\\nurse', transport: 'smb2', username: 'hisupd', password: { env: 'HIS_SHARE_PASSWORD' }, timeoutSeconds: 30 },
      apply: { mode: 'run-updater', updater: { path: 'auto_update.exe', args: ['/silent'], successExitCodes: [0, 3010], timeoutSeconds: 600 } },
      hisProcess: { name: 'nurse.exe', whenRunning: 'ask', waitSeconds: 300 },
    },
  ],
};

/** Cross-field rules report on these keys whatever was mutated (schema.ts superRefine). */
const CROSS_FIELD_KEYS = ['database', 'apps[0].share.path', 'apps[0].share.username', 'apps[0].id'];

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type KeyPath = Array<string | number>;

function paths(value: Json, prefix: KeyPath = []): KeyPath[] {
  const out: KeyPath[] = [prefix];
  if (Array.isArray(value)) value.forEach((v, i) => out.push(...paths(v, [...prefix, i])));
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) out.push(...paths(v, [...prefix, k]));
  return out;
}

function format(keyPath: KeyPath): string {
  if (keyPath.length === 0) return '(root)';
  return keyPath.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i === 0 ? '' : '.'}${p}`)).join('');
}

function mutate(base: Json, at: KeyPath, mutation: { kind: 'delete' | 'replace' | 'unknown-key'; value: Json; name: string }): Json {
  const copy = structuredClone(base) as Json;
  if (at.length === 0) return mutation.kind === 'replace' ? mutation.value : copy;
  let parent = copy as Record<string | number, Json>;
  for (const key of at.slice(0, -1)) parent = parent[key] as Record<string | number, Json>;
  const last = at[at.length - 1]!;
  if (mutation.kind === 'delete') {
    if (Array.isArray(parent)) parent.splice(last as number, 1);
    else delete parent[last];
  } else if (mutation.kind === 'replace') parent[last] = mutation.value;
  else {
    const target = parent[last];
    if (target && typeof target === 'object' && !Array.isArray(target)) (target as Record<string, Json>)[`x_${mutation.name}`] = mutation.value;
  }
  return copy;
}

const BASE_PATHS = paths(BASE as Json);
const mutationArb = fc.record({
  at: fc.constantFrom(...BASE_PATHS),
  kind: fc.constantFrom('delete', 'replace', 'replace', 'unknown-key') as fc.Arbitrary<'delete' | 'replace' | 'unknown-key'>,
  value: fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json>,
  name: fc.stringMatching(/^[a-z]{1,8}$/),
});

function tryParse(text: string): { ok: true } | { ok: false; error: AgentError } {
  try {
    parseConfigText(text, FILE);
    return { ok: true };
  } catch (error) {
    if (!(error instanceof AgentError)) throw new Error(`not an AgentError: ${String(error)}`);
    return { ok: false, error };
  }
}

describe('config fuzzing', () => {
  it('the base config is valid', () => {
    expect(tryParse(JSON.stringify(BASE)).ok).toBe(true);
  });

  it('one random mutation: valid, or CONFIG_INVALID naming the mutated key', async () => {
    let invalid = 0;
    let valid = 0;
    await table.run('config mutations', `${RUNS} configs with one key removed, replaced by random JSON, or an unknown key added`, 'valid, or CONFIG_INVALID whose key is the mutated path, its parent/child, or a documented cross-field key; nothing else thrown', async (measure) => {
      fc.assert(
        fc.property(mutationArb, (m) => {
          const text = JSON.stringify(mutate(BASE as Json, m.at, m));
          const result = tryParse(text);
          if (result.ok) {
            valid++;
            return;
          }
          invalid++;
          const { error } = result;
          expect(error.code).toBe('CONFIG_INVALID');
          const key = String(error.params.key);
          expect(error.zh).toContain(FILE);
          expect(error.zh).toContain(key);
          const mutated = format(m.at);
          const related = m.at.length === 0 || mutated === key || mutated.startsWith(key) || key.startsWith(mutated) || CROSS_FIELD_KEYS.includes(key) || key === '(root)';
          expect(related, `mutated ${mutated} (${m.kind} ${JSON.stringify(m.value)}), error names ${key}: ${error.en}`).toBe(true);
        }),
        { numRuns: RUNS, seed: 21 },
      );
      measure(`${invalid} refused naming the mutated key, ${valid} still valid (e.g. an optional key removed)`);
    });
  });

  it('random text and random JSON: CONFIG_INVALID, never another exception', async () => {
    await table.run('config text', `${RUNS} random strings (with BOM, NUL, unicode) and ${RUNS} random JSON documents`, 'CONFIG_INVALID with a line/column or key; nothing else thrown', async (measure) => {
      fc.assert(
        fc.property(fc.string({ unit: 'binary', maxLength: 300 }), fc.boolean(), (text, bom) => {
          const result = tryParse(bom ? `\uFEFF${text}` : text);
          if (!result.ok) expect(result.error.code).toBe('CONFIG_INVALID');
        }),
        { numRuns: RUNS, seed: 22 },
      );
      fc.assert(
        fc.property(fc.jsonValue(), (doc) => {
          const result = tryParse(JSON.stringify(doc) ?? 'null');
          expect(result.ok).toBe(false);
        }),
        { numRuns: RUNS, seed: 23 },
      );
      measure('all refused with CONFIG_INVALID');
    });
  });

  it('the CLI with mutated configs exits 2 with one JSON line, never a crash', async () => {
    const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'his-fuzz-config-'));
    try {
      const samples = fc.sample(mutationArb, { numRuns: 300, seed: 24 })
        .map((m) => ({ m, text: JSON.stringify(mutate(BASE as Json, m.at, m)) }))
        .filter(({ text }) => !tryParse(text).ok)
        .slice(0, 12);
      await table.run('config mutations through the CLI', `${samples.length} invalid mutated configs given to \`his-update check --json\``, 'exit 2, one JSON line, errorCode CONFIG_INVALID naming the key, no stack trace on stderr', async (measure) => {
        const codes = await inPool(samples, 4, async ({ text }, i) => {
          const file = path.join(dir, `config-${i}.json`);
          await fsp.writeFile(file, text);
          const run = await runCli(['check', '--json', '--config', file]);
          expect(run.code, run.stderr).toBe(2);
          const lines = run.stdout.trim().split('\n');
          expect(lines.length).toBe(1);
          const out = JSON.parse(lines[0]!) as { errorCode: string; message: string };
          expect(out.errorCode).toBe('CONFIG_INVALID');
          expect(run.stderr).not.toMatch(/\n\s+at .*\.js:\d+/);
          return out.errorCode;
        });
        measure(`${codes.length}/${samples.length} exit 2 with CONFIG_INVALID`);
      });
    } finally {
      await fsp.rm(dir, { recursive: true, force: true });
    }
  });
});
