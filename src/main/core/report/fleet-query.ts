import sql from 'mssql';
import type { DatabaseConfig, FleetConfig } from '../config/schema';
import type { SecretResolver } from '../config/secrets';
import { withDatabase } from '../db/session';
import { AgentError } from '../errors/agent-error';
import { compareVersions } from '../version/compare';
import type { Logger } from '../logger';
import { likePrefix, selectStatement } from './fleet-sql';
import type { FleetRow, FleetSnapshot } from './fleet-types';

export interface FleetQueryOptions {
  secrets: SecretResolver;
  /** Machines with no report for longer than this are flagged silent (default: fleet.silentHours). */
  silentHours?: number;
  /** Only machines whose name starts with this (e.g. a ward prefix "ICU-"). */
  prefix?: string;
  signal?: AbortSignal;
  logger?: Logger;
}

type Row = Record<string, unknown>;

/**
 * The whole fleet for the IT window and `his-update fleet`: every machine + app with versions and the
 * last result, failed ones first, then silent ones; plus how many PCs run each version. Silence is
 * measured on the database server's clock, so a PC with a wrong clock is not flagged by mistake.
 */
export async function queryFleet(config: { database?: DatabaseConfig | undefined; fleet: FleetConfig }, options: FleetQueryOptions): Promise<FleetSnapshot> {
  const { database, fleet } = config;
  if (!database) throw new AgentError('CONFIG_INVALID', { file: 'config', key: 'database', expected: '数据库连接设置 / a database section (the fleet table lives there)' });
  const silentHours = options.silentHours ?? fleet.silentHours;
  const prefix = options.prefix?.trim();
  const rows = await withDatabase(database, { secrets: options.secrets, purpose: { kind: 'fleet-query', table: fleet.table }, ...(options.signal ? { signal: options.signal } : {}), ...(options.logger ? { logger: options.logger } : {}) }, async (pool) => {
    const request = pool.request();
    if (prefix) request.input('prefix', sql.NVarChar(200), likePrefix(prefix));
    return (await request.query<Row>(selectStatement(fleet.table, !!prefix))).recordset ?? [];
  });
  const serverNow = rows.map((r) => r.server_now).find((v): v is Date => v instanceof Date) ?? new Date();
  return buildSnapshot(rows.map((r) => toFleetRow(r, serverNow, silentHours)), silentHours, serverNow);
}

function text(value: unknown): string | null {
  return typeof value === 'string' ? value : value === null || value === undefined ? null : String(value);
}

function num(value: unknown): number | null {
  if (value === null || value === undefined) return null;
  const n = typeof value === 'string' ? Number(value) : (value as number);
  return Number.isFinite(n) ? n : null;
}

function iso(value: unknown): string {
  const date = value instanceof Date ? value : new Date(String(value));
  return Number.isNaN(date.getTime()) ? new Date(0).toISOString() : date.toISOString();
}

function toFleetRow(r: Row, serverNow: Date, silentHours: number): FleetRow {
  const receivedAt = iso(r.received_at);
  return {
    machine: text(r.machine) ?? '',
    user: text(r.windows_user) ?? '',
    app: text(r.app) ?? '',
    installedVersion: text(r.installed_version),
    targetVersion: text(r.target_version),
    state: text(r.state) ?? '',
    errorCode: text(r.error_code),
    messageZh: text(r.message_zh),
    durationMs: num(r.duration_ms),
    bytesMoved: num(r.bytes_moved),
    agentVersion: text(r.agent_version) ?? '',
    reportedAt: iso(r.reported_at),
    receivedAt,
    silent: serverNow.getTime() - Date.parse(receivedAt) > silentHours * 3_600_000,
  };
}

/**
 * Failed first (newest failure on top), then silent (longest silent on top), then the rest by name.
 * Version counts: per app, most PCs first, newer version first on a tie.
 */
export function buildSnapshot(rows: FleetRow[], silentHours: number, now: Date): FleetSnapshot {
  const rank = (r: FleetRow): number => (r.errorCode ? 0 : r.silent ? 1 : 2);
  const sorted = [...rows].sort((a, b) => {
    const byRank = rank(a) - rank(b);
    if (byRank) return byRank;
    if (rank(a) === 0) return b.reportedAt.localeCompare(a.reportedAt);
    if (rank(a) === 1) return a.receivedAt.localeCompare(b.receivedAt);
    return a.machine.localeCompare(b.machine, 'zh-CN') || a.app.localeCompare(b.app);
  });
  const counts = new Map<string, { app: string; version: string | null; count: number }>();
  for (const r of rows) {
    const key = `${r.app}\u0000${r.installedVersion ?? ''}`;
    const entry = counts.get(key) ?? { app: r.app, version: r.installedVersion, count: 0 };
    entry.count++;
    counts.set(key, entry);
  }
  const byVersionDesc = (a: string | null, b: string | null): number => (a === null ? (b === null ? 0 : 1) : b === null ? -1 : compareVersions(b, a));
  const countsByVersion = [...counts.values()].sort((a, b) => a.app.localeCompare(b.app) || b.count - a.count || byVersionDesc(a.version, b.version));
  return {
    generatedAt: now.toISOString(),
    silentHours,
    rows: sorted,
    countsByVersion,
    totals: {
      rows: rows.length,
      machines: new Set(rows.map((r) => r.machine.toLowerCase())).size,
      failed: rows.filter((r) => r.errorCode).length,
      silent: rows.filter((r) => r.silent).length,
    },
    error: null,
  };
}
