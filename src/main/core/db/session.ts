import sql from 'mssql';
import type { DatabaseConfig } from '../config/schema';
import type { SecretResolver } from '../config/secrets';
import { AgentError } from '../errors/agent-error';
import type { Logger } from '../logger';
import { buildPoolConfig, describeEndpoint, sessionDeadlineMs } from './connection-config';
import { newObservations, observeConnection, type ConnectionObservations } from './connection-observer';
import { mapDatabaseError, type DatabasePurpose } from './error-mapping';
import { probeSqlServer } from './prelogin-probe';

/** Set once tedious's TLS step has been wrapped successfully in this process. */
let inlineGuardWorks = false;

export interface DatabaseSessionOptions {
  secrets: SecretResolver;
  purpose: DatabasePurpose;
  signal?: AbortSignal;
  logger?: Logger;
}

/**
 * Opens one short-lived pool, runs `work`, and closes the pool again: no connection stays open while
 * the agent idles. Every failure comes out as an AgentError from the database catalog.
 */
export async function withDatabase<T>(db: DatabaseConfig, options: DatabaseSessionOptions, work: (pool: sql.ConnectionPool) => Promise<T>): Promise<T> {
  const { signal, purpose } = options;
  signal?.throwIfAborted();
  const password = await options.secrets.resolve(db.authentication.password);
  const observed = newObservations();
  const pool = new sql.ConnectionPool(buildPoolConfig(db, password, observeConnection(observed, db.encrypt === 'on')));
  // Failures surface through connect()/query(); an unhandled 'error' event would crash the process.
  pool.on('error', () => {});
  let phase: 'connect' | 'query' = 'connect';
  const started = Date.now();
  const run = async (): Promise<T> => {
    // Until the in-line guard has been seen to hook into tedious, ask the server before sending a password.
    if (db.encrypt === 'on' && !inlineGuardWorks) await refuseUnencryptedServer(db);
    await pool.connect();
    if (!observed.guardUnavailable) inlineGuardWorks = true;
    phase = 'query';
    return work(pool);
  };
  const deadlineMs = sessionDeadlineMs(db);
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(), deadlineMs);
  timer.unref?.();
  try {
    const result = await abortable(abortable(run(), signal), deadline.signal);
    options.logger?.debug('database session done', { ...describeEndpoint(db), ms: Date.now() - started, tls: observed.tlsProtocol ?? 'none', serverVersion: observed.serverVersion });
    return result;
  } catch (error) {
    if (signal?.aborted) throw new AgentError('CANCELLED', {}, 'database request cancelled');
    if (deadline.signal.aborted) {
      throw new AgentError('DB_TIMEOUT', { ...describeEndpoint(db), seconds: Math.round(deadlineMs / 1000) }, `database session exceeded its ${deadlineMs} ms deadline (${phase})`);
    }
    throw mapDatabaseError(error, db, observed, phase, purpose);
  } finally {
    clearTimeout(timer);
    void pool.close().catch(() => {});
  }
}

/**
 * Fallback guard for when tedious's TLS step cannot be wrapped (another tedious version): ask the server
 * first. Weaker than the in-line guard (it is a separate connection), so a test pins the hook's presence.
 */
async function refuseUnencryptedServer(db: DatabaseConfig): Promise<void> {
  if (db.port === undefined && db.instanceName) return;
  const probe = await probeSqlServer(db.server, db.port ?? 1433, db.connectTimeoutSeconds * 1000);
  if (probe.encryption !== 'ON' && probe.encryption !== 'REQ') {
    const observed: ConnectionObservations = { ...newObservations(), encryptionRefused: true };
    throw mapDatabaseError(new Error(`PRELOGIN ENCRYPTION=${probe.encryption}`), db, observed, 'connect', { kind: 'version-query' });
  }
}

function abortable<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => { signal.removeEventListener('abort', onAbort); resolve(value); },
      (error: unknown) => { signal.removeEventListener('abort', onAbort); reject(error); },
    );
  });
}
