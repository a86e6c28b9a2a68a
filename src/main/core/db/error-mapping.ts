import type { DatabaseConfig } from '../config/schema';
import { redact } from '../config/redact';
import { AgentError, describeDetail } from '../errors/agent-error';
import type { ConnectionObservations } from './connection-observer';
import { databaseUser, describeEndpoint } from './connection-config';

/** What the statement was for: the wording of a bad-statement error names the setting to fix. */
export type DatabasePurpose = { kind: 'version-query' } | { kind: 'fleet-report'; table: string; custom: boolean } | { kind: 'fleet-query'; table: string };

const TLS_TOO_OLD = /unsupported protocol|legacy sigalg|no protocols available|dh key too small|ee key too small|ca md too weak|alert protocol version/i;
const TLS_TOO_OLD_CODES = new Set(['ERR_SSL_UNSUPPORTED_PROTOCOL', 'ERR_SSL_LEGACY_SIGALG_DISALLOWED_OR_UNSUPPORTED', 'ERR_SSL_NO_PROTOCOLS_AVAILABLE', 'ERR_SSL_DH_KEY_TOO_SMALL', 'ERR_SSL_EE_KEY_TOO_SMALL', 'ERR_SSL_CA_MD_TOO_WEAK', 'ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION']);
const CERT_REASONS: Record<string, string> = {
  DEPTH_ZERO_SELF_SIGNED_CERT: '自签名证书 / self-signed certificate',
  SELF_SIGNED_CERT_IN_CHAIN: '证书链中有自签名证书 / self-signed certificate in chain',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: '无法验证证书颁发机构 / unknown issuer',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: '本机不信任证书颁发机构 / issuer not trusted on this PC',
  CERT_HAS_EXPIRED: '证书已过期 / certificate expired',
  CERT_NOT_YET_VALID: '证书尚未生效 / certificate not yet valid',
  ERR_TLS_CERT_ALTNAME_INVALID: '证书名称与服务器地址不符 / name mismatch',
};
/** Errors of the statement itself (not of one row's data): 207 column, 208 object, 137 variable, 102 syntax, 2812 procedure. */
const STATEMENT_ERRORS = new Set([102, 137, 156, 207, 208, 2812, 4104]);
const PERMISSION_ERRORS = new Set([229, 230, 262, 297, 300]);

interface Flattened { codes: Set<string>; messages: string[]; numbers: number[] }

/** Walks mssql's originalError and the cause chain (tedious wraps socket/TLS errors as causes). */
function flatten(error: unknown): Flattened {
  const out: Flattened = { codes: new Set(), messages: [], numbers: [] };
  const seen = new Set<unknown>();
  const visit = (e: unknown): void => {
    if (!e || typeof e !== 'object' || seen.has(e)) return;
    seen.add(e);
    const x = e as { code?: unknown; message?: unknown; number?: unknown; originalError?: unknown; cause?: unknown; errors?: unknown };
    if (typeof x.code === 'string') out.codes.add(x.code);
    if (typeof x.message === 'string') out.messages.push(x.message);
    if (typeof x.number === 'number') out.numbers.push(x.number);
    visit(x.originalError);
    visit(x.cause);
    if (Array.isArray(x.errors)) x.errors.forEach(visit);
  };
  visit(error);
  return out;
}

/**
 * Turns whatever mssql/tedious threw into one readable AgentError. Server error numbers seen during
 * login (via the observer) decide first, then TLS and socket codes, then the request error number.
 */
export function mapDatabaseError(error: unknown, db: DatabaseConfig, observed: ConnectionObservations, phase: 'connect' | 'query', purpose: DatabasePurpose): AgentError {
  if (error instanceof AgentError) return error;
  const { server, port } = describeEndpoint(db);
  const user = databaseUser(db);
  const { codes, messages, numbers } = flatten(error);
  const detail = redact(describeDetail(error) + (messages.length > 1 ? ` <- ${messages.slice(1).join(' <- ')}` : ''));
  const all = [...observed.serverErrors.map((e) => e.number), ...numbers];
  const text = messages.join(' | ');
  const make = (code: ConstructorParameters<typeof AgentError>[0], params: Record<string, string | number>): AgentError =>
    new AgentError(code, { server, port, user, ...params }, detail, { cause: error });

  if (observed.encryptionRefused) return make('DB_ENCRYPTION_REFUSED', {});
  if (all.includes(4060)) return make('DB_UNKNOWN_DATABASE', { database: db.database });
  if (all.includes(18456) || codes.has('ELOGIN')) return make('DB_LOGIN_FAILED', {});
  if (!db.legacyTls && ([...codes].some((c) => TLS_TOO_OLD_CODES.has(c)) || TLS_TOO_OLD.test(text))) return make('DB_TLS_LEGACY', {});
  const certCode = [...codes].find((c) => c in CERT_REASONS);
  if (certCode) {
    const strictNote = db.encrypt === 'strict' ? '；encrypt 为 strict 时 trustServerCertificate 不生效 / trustServerCertificate does not apply with encrypt "strict"' : '';
    return make('DB_CERT_UNTRUSTED', { reason: CERT_REASONS[certCode]! + strictNote });
  }
  if (codes.has('EINSTLOOKUP')) return make('DB_INSTANCE_NOT_FOUND', { instance: db.instanceName ?? '?' });
  if (codes.has('ENOTFOUND') || codes.has('EAI_AGAIN')) return make('DB_HOST_NOT_FOUND', {});
  if (codes.has('ECONNREFUSED') || codes.has('EHOSTUNREACH') || codes.has('ENETUNREACH')) return make('DB_UNREACHABLE', {});
  // tarn gives up acquiring when every new connection failed its SELECT 1 validation in time.
  if (codes.has('ETIMEOUT') || /Failed to acquire a connection from the pool: operation timed out/i.test(text)) {
    const seconds = phase === 'connect' ? db.connectTimeoutSeconds : db.requestTimeoutSeconds;
    return make('DB_TIMEOUT', { seconds });
  }
  if (phase === 'connect' && (codes.has('ECONNRESET') || codes.has('ESOCKET') || codes.has('ECONNCLOSED') || /ended without ever completing/.test(text))) {
    return make('DB_CONNECTION_CLOSED', { reason: codes.has('ECONNRESET') ? 'ECONNRESET' : messages[0] ?? 'socket closed' });
  }
  const number = numbers.find((n) => n > 0);
  const reason = redact(`${number !== undefined ? `${number}: ` : ''}${messages[0] ?? 'unknown error'}`);
  if (number !== undefined && PERMISSION_ERRORS.has(number)) return make('DB_PERMISSION_DENIED', { reason });
  if (number !== undefined && STATEMENT_ERRORS.has(number)) {
    if (purpose.kind === 'version-query') return make('DB_QUERY_INVALID', { reason });
    if (purpose.kind === 'fleet-report' && purpose.custom) return make('DB_FLEET_STATEMENT_INVALID', { reason, table: purpose.table });
    return number === 208
      ? make('DB_FLEET_TABLE_MISSING', { table: purpose.table })
      : make('DB_FLEET_STATEMENT_INVALID', { reason, table: purpose.table });
  }
  return make('DB_ERROR', { reason });
}

/** The SQL Server error number anywhere in the error chain (mssql keeps tedious's error as originalError). */
export function sqlErrorNumber(error: unknown): number | undefined {
  return flatten(error).numbers.find((n) => n > 0);
}

/** A statement-level failure repeats for every row; anything else (one row's data) does not. */
export function isStatementError(error: AgentError): boolean {
  return ['DB_FLEET_TABLE_MISSING', 'DB_FLEET_STATEMENT_INVALID', 'DB_PERMISSION_DENIED', 'DB_QUERY_INVALID'].includes(error.code);
}
