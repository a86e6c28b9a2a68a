import sql from 'mssql';
import type { FleetStatus } from './fleet-types';

/**
 * Statements for the fleet table. The table name comes from config (validated as a plain dotted
 * identifier by the schema), every value goes in as a named parameter. The upsert works back to
 * SQL Server 2005 (no MERGE): update, and insert when nothing was updated, in one transaction whose
 * range lock keeps two concurrent first reports of a PC from both inserting.
 */
export function upsertStatement(table: string): string {
  return `SET XACT_ABORT ON;
BEGIN TRAN;
UPDATE ${table} WITH (UPDLOCK, SERIALIZABLE)
   SET windows_user = @user, installed_version = @installedVersion, target_version = @targetVersion,
       state = @state, error_code = @errorCode, message_zh = @messageZh, duration_ms = @durationMs,
       bytes_moved = @bytesMoved, agent_version = @agentVersion, reported_at = @reportedAt, received_at = GETUTCDATE()
 WHERE machine = @machine AND app = @app;
IF @@ROWCOUNT = 0
  INSERT INTO ${table} (machine, app, windows_user, installed_version, target_version, state, error_code,
                        message_zh, duration_ms, bytes_moved, agent_version, reported_at, received_at)
  VALUES (@machine, @app, @user, @installedVersion, @targetVersion, @state, @errorCode,
          @messageZh, @durationMs, @bytesMoved, @agentVersion, @reportedAt, GETUTCDATE());
COMMIT;`;
}

export function selectStatement(table: string, withPrefix: boolean): string {
  return `SELECT machine, app, windows_user, installed_version, target_version, state, error_code, message_zh,
       duration_ms, bytes_moved, agent_version, reported_at, received_at, GETUTCDATE() AS server_now
  FROM ${table}${withPrefix ? '\n WHERE machine LIKE @prefix' : ''}`;
}

/** Column sizes of sql/his_update_status.sql: longer text is cut rather than failing the report. */
const cut = (value: string | null, max: number): string | null => (value === null ? null : value.length > max ? value.slice(0, max) : value);

/** Binds the named inputs every fleet statement (default or fleet.statement) can use. */
export function bindStatus(request: sql.Request, status: FleetStatus): sql.Request {
  return request
    .input('machine', sql.NVarChar(64), cut(status.machine, 64))
    .input('app', sql.NVarChar(64), cut(status.app, 64))
    .input('user', sql.NVarChar(128), cut(status.user, 128))
    .input('installedVersion', sql.NVarChar(64), cut(status.installedVersion, 64))
    .input('targetVersion', sql.NVarChar(64), cut(status.targetVersion, 64))
    .input('state', sql.NVarChar(32), cut(status.state, 32))
    .input('errorCode', sql.NVarChar(64), cut(status.errorCode, 64))
    .input('messageZh', sql.NVarChar(1000), cut(status.messageZh, 1000))
    .input('durationMs', sql.BigInt, status.durationMs === null ? null : Math.round(status.durationMs))
    .input('bytesMoved', sql.BigInt, status.bytesMoved)
    .input('agentVersion', sql.NVarChar(32), cut(status.agentVersion, 32))
    .input('reportedAt', sql.DateTime, new Date(status.reportedAt));
}

/** LIKE pattern for "machine name starts with": %, _ and [ in the prefix match themselves. */
export function likePrefix(prefix: string): string {
  return `${prefix.replace(/[[%_]/g, (c) => `[${c}]`)}%`;
}
