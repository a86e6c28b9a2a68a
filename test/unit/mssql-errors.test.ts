import { describe, expect, test } from 'vitest';
import { databaseSchema } from '../../src/main/core/config/schema';
import { registerSecret } from '../../src/main/core/config/redact';
import { newObservations } from '../../src/main/core/db/connection-observer';
import { mapDatabaseError } from '../../src/main/core/db/error-mapping';
import { AgentError } from '../../src/main/core/errors/agent-error';
import { readTarget } from '../../src/main/core/version/mssql-source';

const db = databaseSchema.parse({ server: 'his-db', port: 1433, database: 'his', instanceName: 'HIS', authentication: { type: 'sql', user: 'his_update', password: { env: 'P' } } });
const version = { kind: 'version-query' } as const;

/** The shape mssql gives: its own error with tedious's as originalError, the socket/TLS error as cause. */
function driverError(message: string, code: string, cause?: Record<string, unknown>, number?: number): Error {
  const tedious = Object.assign(new Error(message), { code, ...(number !== undefined ? { number } : {}), ...(cause ? { cause: Object.assign(new Error(String(cause.message)), cause) } : {}) });
  return Object.assign(new Error(message), { code, originalError: tedious, number: code });
}

describe('database errors that need a network to reproduce', () => {
  test.each([
    ['DNS failure', driverError('Failed to connect to his-db:1433 - getaddrinfo ENOTFOUND his-db', 'ESOCKET', { code: 'ENOTFOUND' }), 'connect', 'DB_HOST_NOT_FOUND', 'his-db'],
    ['no SQL Server Browser answer', driverError('Failed to connect to his-db\\HIS in 15000ms', 'EINSTLOOKUP'), 'connect', 'DB_INSTANCE_NOT_FOUND', 'his-db\\HIS'],
    ['expired certificate', driverError('Failed to connect - certificate has expired', 'ESOCKET', { code: 'CERT_HAS_EXPIRED' }), 'connect', 'DB_CERT_UNTRUSTED', '证书已过期'],
    ['name mismatch', driverError("Hostname/IP does not match certificate's altnames", 'ESOCKET', { code: 'ERR_TLS_CERT_ALTNAME_INVALID' }), 'connect', 'DB_CERT_UNTRUSTED', '名称'],
    ['server sent a protocol_version alert', driverError('tlsv1 alert protocol version', 'ESOCKET', { code: 'ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION' }), 'connect', 'DB_TLS_LEGACY', '"legacyTls": true'],
    ['1024-bit DH key of an old server', driverError('dh key too small', 'ESOCKET', { code: 'ERR_SSL_DH_KEY_TOO_SMALL' }), 'connect', 'DB_TLS_LEGACY', 'TLS 1.0'],
    ['SELECT permission denied (229)', driverError("The SELECT permission was denied on the object 'his_client_version'", 'EREQUEST', undefined, 229), 'query', 'DB_PERMISSION_DENIED', 'his_update'],
    ['syntax error (102)', driverError("Incorrect syntax near 'FORM'.", 'EREQUEST', undefined, 102), 'query', 'DB_QUERY_INVALID', 'versionSource.query'],
    ['deadlock victim (1205)', driverError('Transaction was deadlocked', 'EREQUEST', undefined, 1205), 'query', 'DB_ERROR', '1205'],
  ] as const)('%s → %s', (_name, error, phase, code, zhPart) => {
    const mapped = mapDatabaseError(error, db, newObservations(), phase, version);
    expect(mapped.code).toBe(code);
    expect(mapped.zh).toContain(zhPart);
    expect(mapped.detail).not.toBe('');
  });

  test('login numbers seen during login decide over the driver message: 4060 before 18456', () => {
    const observed = newObservations();
    observed.serverErrors.push({ number: 4060, message: 'Cannot open database "hsi"' }, { number: 18456, message: "Login failed for user 'his_update'." });
    const mapped = mapDatabaseError(driverError("Login failed for user 'his_update'.", 'ELOGIN'), db, observed, 'connect', version);
    expect(mapped.code).toBe('DB_UNKNOWN_DATABASE');
  });

  test('with legacyTls already on, a TLS failure is not blamed on the setting again', () => {
    const legacy = databaseSchema.parse({ ...db, legacyTls: true });
    const mapped = mapDatabaseError(driverError('unsupported protocol', 'ESOCKET', { code: 'ERR_SSL_UNSUPPORTED_PROTOCOL' }), legacy, newObservations(), 'connect', version);
    expect(mapped.code).not.toBe('DB_TLS_LEGACY');
  });

  test('a known secret in a driver message is redacted from the detail', () => {
    registerSecret('S3cret-Pw-for-test');
    const mapped = mapDatabaseError(driverError('weird failure S3cret-Pw-for-test', 'EREQUEST', undefined, 50000), db, newObservations(), 'query', version);
    expect(JSON.stringify(mapped.toJSON())).not.toContain('S3cret-Pw-for-test');
  });

  test('fleet statements name the fleet settings, not the version query', () => {
    const error = driverError("Invalid column name 'wrong_col'.", 'EREQUEST', undefined, 207);
    const custom = mapDatabaseError(error, db, newObservations(), 'query', { kind: 'fleet-report', table: 'dbo.his_update_status', custom: true });
    expect(custom.code).toBe('DB_FLEET_STATEMENT_INVALID');
    expect(custom.zh).toContain('fleet.statement');
    expect(custom.step).toBe('report');
  });
});

describe('reading the version row', () => {
  test('flags and text columns are tolerated as HIS tables store them', () => {
    expect(readTarget({ VERSION: ' 5.2.0.123 ', Mandatory: 'Y', share_path: '  ' }, 'nurse')).toEqual({ version: '5.2.0.123', mandatory: true, source: 'mssql' });
    expect(readTarget({ version: 'V2.3.1', mandatory: 0 }, 'nurse')).toEqual({ version: 'V2.3.1', mandatory: false, source: 'mssql' });
  });

  test.each([
    [{ version: 'not a version!' }, '"not a version!"'],
    [{ ver: '5.2' }, 'version'],
    [{ version: '5.2', minimum_version: '??' }, 'minimum_version'],
  ])('%j → DB_VERSION_INVALID', (row, part) => {
    let caught: unknown;
    try {
      readTarget(row, 'nurse');
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(AgentError);
    expect((caught as AgentError).code).toBe('DB_VERSION_INVALID');
    expect((caught as AgentError).zh).toContain(part);
  });
});
