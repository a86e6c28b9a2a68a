import sql from 'mssql';
import type { DatabaseConfig } from '../config/schema';
import type { SecretResolver } from '../config/secrets';
import { withDatabase } from '../db/session';
import { AgentError } from '../errors/agent-error';
import type { Logger } from '../logger';
import { isValidVersion } from './compare';
import type { TargetVersion, VersionQuery, VersionSource } from './version-source';

export interface MssqlVersionSourceOptions {
  database: DatabaseConfig;
  /** Parameterized statement from versionSource.query; inputs @app, @machine, @user, @currentVersion. */
  query: string;
  secrets: SecretResolver;
  /** Shown in messages (护士工作站); defaults to the app id. */
  appDisplayName?: string;
  logger?: Logger;
}

type Row = Record<string, unknown>;

/**
 * The target version from the HIS database: one short-lived pool per check runs the configured query
 * with named inputs (never string-built) and reads `version` plus optional columns from the first row.
 */
export class MssqlVersionSource implements VersionSource {
  readonly kind = 'mssql';

  constructor(private readonly options: MssqlVersionSourceOptions) {}

  async getTarget(query: VersionQuery): Promise<TargetVersion> {
    const { database, secrets, logger } = this.options;
    const name = this.options.appDisplayName;
    const app = name && name !== query.appId ? `${name}（${query.appId}）` : query.appId;
    const rows = await withDatabase(database, { secrets, logger, purpose: { kind: 'version-query' }, ...(query.signal ? { signal: query.signal } : {}) }, async (pool) => {
      const request = pool.request();
      request.input('app', sql.NVarChar(64), query.appId);
      request.input('machine', sql.NVarChar(128), query.machine);
      request.input('user', sql.NVarChar(256), query.user);
      request.input('currentVersion', sql.NVarChar(64), query.currentVersion);
      const result = await request.query<Row>(this.options.query);
      return result.recordset ?? [];
    });
    const row = rows[0];
    if (!row) throw new AgentError('DB_APP_NOT_REGISTERED', { app }, `the version query returned no row for @app = '${query.appId}'`);
    if (rows.length > 1) logger?.warn('version query returned several rows; using the first (add ORDER BY to choose)', { rows: rows.length });
    return readTarget(row, app);
  }
}

/** Column names are matched without regard to case, in snake_case or camelCase. */
function pick(row: Row, ...names: string[]): unknown {
  const wanted = new Set(names.map((n) => n.toLowerCase()));
  const key = Object.keys(row).find((k) => wanted.has(k.toLowerCase()));
  return key === undefined ? undefined : row[key];
}

function optionalText(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const trimmed = value.trim();
  return trimmed ? trimmed : undefined;
}

/** BIT arrives as boolean; tolerate 0/1 and Y/N/是/否 text columns. */
function readFlag(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number') return value !== 0;
  if (typeof value === 'string') return /^(1|true|y|yes|是)$/i.test(value.trim());
  return undefined;
}

export function readTarget(row: Row, app: string): TargetVersion {
  const raw = pick(row, 'version');
  if (typeof raw !== 'string') {
    const shown = raw === undefined ? '没有 version 列 / no version column' : raw === null ? 'NULL' : `${typeof raw} ${String(raw)}（应为文字，可在查询中 CAST(... AS NVARCHAR(64)) / must be text）`;
    throw new AgentError('DB_VERSION_INVALID', { app, value: shown }, `version column: ${JSON.stringify(raw)}`);
  }
  const version = raw.trim();
  if (!isValidVersion(version)) throw new AgentError('DB_VERSION_INVALID', { app, value: version ? `"${version}"` : '空 / empty' }, `version column: ${JSON.stringify(raw)}`);
  const target: TargetVersion = { version, source: 'mssql' };
  const sharePath = optionalText(pick(row, 'share_path', 'sharePath'));
  const mandatory = readFlag(pick(row, 'mandatory'));
  const minimumVersion = optionalText(pick(row, 'minimum_version', 'minimumVersion'));
  const releaseNotes = optionalText(pick(row, 'release_notes', 'releaseNotes'));
  if (sharePath) target.sharePath = sharePath;
  if (mandatory !== undefined) target.mandatory = mandatory;
  if (minimumVersion) {
    if (!isValidVersion(minimumVersion)) throw new AgentError('DB_VERSION_INVALID', { app, value: `minimum_version "${minimumVersion}"` });
    target.minimumVersion = minimumVersion;
  }
  if (releaseNotes) target.releaseNotes = releaseNotes;
  return target;
}
