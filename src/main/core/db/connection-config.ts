import type { config as PoolConfig, Connection } from 'mssql';
import type { DatabaseConfig } from '../config/schema';

/** What SQL Server 2005/2008 need to be reached at all: TLS 1.0 and the legacy ciphers OpenSSL 3 hides. */
export const LEGACY_TLS_OPTIONS = { minVersion: 'TLSv1', ciphers: 'DEFAULT@SECLEVEL=0' } as const;

export const CANCEL_TIMEOUT_MS = 2000;

/**
 * The longest one database session may take, whatever the server does: connecting twice (mssql's test
 * connection, then the pooled one), validating and running the statement, and the cancel.
 */
export function sessionDeadlineMs(db: DatabaseConfig): number {
  return (2 * db.connectTimeoutSeconds + 2 * db.requestTimeoutSeconds) * 1000 + CANCEL_TIMEOUT_MS;
}

/** How messages name the server: host:port, or host\instance when the port comes from SQL Server Browser. */
export function describeEndpoint(db: DatabaseConfig): { server: string; port: string } {
  if (db.port === undefined && db.instanceName) return { server: db.server, port: `\\${db.instanceName}` };
  return { server: db.server, port: String(db.port ?? 1433) };
}

export function databaseUser(db: DatabaseConfig): string {
  return db.authentication.type === 'ntlm' ? `${db.authentication.domain}\\${db.authentication.user}` : db.authentication.user;
}

/**
 * mssql/tedious settings for one short-lived pool. A configured port wins over the instance name
 * (no SQL Server Browser round trip); the pool holds one connection and lets it go when closed.
 */
export function buildPoolConfig(db: DatabaseConfig, password: string, beforeConnect?: (connection: Connection) => void): PoolConfig {
  const auth = db.authentication;
  const useInstance = db.port === undefined && db.instanceName !== undefined;
  return {
    server: db.server,
    ...(useInstance ? {} : { port: db.port ?? 1433 }),
    database: db.database,
    user: auth.user,
    password,
    ...(auth.type === 'ntlm' ? { domain: auth.domain } : {}),
    connectionTimeout: db.connectTimeoutSeconds * 1000,
    requestTimeout: db.requestTimeoutSeconds * 1000,
    // Each acquire validates with SELECT 1; a server that logs in but never answers it must not hold the
    // check for tarn's default 30 s.
    pool: { min: 0, max: 1, idleTimeoutMillis: 1000, acquireTimeoutMillis: (db.connectTimeoutSeconds + db.requestTimeoutSeconds) * 1000 },
    options: {
      // tedious takes true/false or 'strict' (TDS 8.0: TLS before PRELOGIN); the typings know only booleans.
      encrypt: (db.encrypt === 'strict' ? 'strict' : db.encrypt === 'on') as boolean,
      trustServerCertificate: db.trustServerCertificate,
      appName: 'his-update-agent',
      // After a request timeout tedious waits this long for the server to acknowledge the cancel.
      cancelTimeout: CANCEL_TIMEOUT_MS,
      ...(useInstance ? { instanceName: db.instanceName } : {}),
      ...(db.legacyTls ? { cryptoCredentialsDetails: { ...LEGACY_TLS_OPTIONS } } : {}),
    },
    ...(beforeConnect ? { beforeConnect } : {}),
  };
}
