import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { describe, expect, test } from 'vitest';
import { configSchema, databaseSchema, type DatabaseConfig } from '../../src/main/core/config/schema';
import { buildPoolConfig, describeEndpoint, LEGACY_TLS_OPTIONS, sessionDeadlineMs } from '../../src/main/core/db/connection-config';

const base = (overrides: Record<string, unknown> = {}): DatabaseConfig =>
  databaseSchema.parse({ server: 'his-db', database: 'his', authentication: { type: 'sql', user: 'his_update', password: { env: 'P' } }, ...overrides });

describe('mssql pool settings from the database section', () => {
  test('defaults: port 1433, plaintext, timeouts in ms, one connection', () => {
    const config = buildPoolConfig(base(), 'secret');
    expect(config).toMatchObject({ server: 'his-db', port: 1433, database: 'his', user: 'his_update', password: 'secret', connectionTimeout: 15_000, requestTimeout: 15_000 });
    expect(config.options).toMatchObject({ encrypt: false, trustServerCertificate: false, appName: 'his-update-agent' });
    expect(config.options?.cryptoCredentialsDetails).toBeUndefined();
    expect(config.pool).toMatchObject({ min: 0, max: 1, acquireTimeoutMillis: 30_000 });
    expect(config.options?.cancelTimeout).toBe(2000);
    // Worst case of one session whatever the server does: 2 × connect + 2 × request + the cancel wait.
    expect(sessionDeadlineMs(base())).toBe(62_000);
  });

  test('legacyTls adds exactly the TLS 1.0 settings SQL Server 2005/2008 need', () => {
    const config = buildPoolConfig(base({ encrypt: 'on', legacyTls: true }), 'x');
    expect(config.options?.encrypt).toBe(true);
    expect(config.options?.cryptoCredentialsDetails).toEqual({ minVersion: 'TLSv1', ciphers: 'DEFAULT@SECLEVEL=0' });
    expect(LEGACY_TLS_OPTIONS).toEqual({ minVersion: 'TLSv1', ciphers: 'DEFAULT@SECLEVEL=0' });
  });

  test('encrypt strict is passed as tedious understands it', () => {
    expect(buildPoolConfig(base({ encrypt: 'strict' }), 'x').options?.encrypt).toBe('strict');
  });

  test('an instance name is used only without a port (SQL Server Browser lookup)', () => {
    const named = buildPoolConfig(base({ instanceName: 'HIS' }), 'x');
    expect(named.port).toBeUndefined();
    expect(named.options?.instanceName).toBe('HIS');
    expect(describeEndpoint(base({ instanceName: 'HIS' }))).toEqual({ server: 'his-db', port: '\\HIS' });
    const both = buildPoolConfig(base({ instanceName: 'HIS', port: 1500 }), 'x');
    expect(both.port).toBe(1500);
    expect(both.options?.instanceName).toBeUndefined();
  });

  test('NTLM logins carry the domain', () => {
    const config = buildPoolConfig(base({ authentication: { type: 'ntlm', domain: 'HOSPITAL', user: 'svc_update', password: { env: 'P' } } }), 'x');
    expect(config).toMatchObject({ user: 'svc_update', domain: 'HOSPITAL' });
  });
});

describe('examples/config.mssql.json', () => {
  test('is valid and is the seed case with the version from SQL Server', () => {
    const text = fs.readFileSync(path.join(__dirname, '../../examples/config.mssql.json'), 'utf8');
    const config = configSchema.parse(JSON.parse(text));
    const app = config.apps[0]!;
    expect(app).toMatchObject({ id: 'nurse', installDir: 'D:\\his', share: { path: '\\\\his-fs\\update\\nurse' }, hisProcess: { name: 'nurse.exe' } });
    expect(app.apply.mode === 'run-updater' && app.apply.updater?.path).toBe('auto_update.exe');
    expect(app.versionSource.type).toBe('mssql');
    expect(app.versionSource.type === 'mssql' && app.versionSource.query).toContain('@app');
    expect(config.database?.authentication.password).toEqual({ env: 'HIS_DB_PASSWORD' });
    expect(config.fleet).toMatchObject({ enabled: true, table: 'dbo.his_update_status' });
    expect(text).not.toMatch(/"password"\s*:\s*"/);
  });
});

describe('the encryption guard depends on tedious internals', () => {
  // If a tedious upgrade renames these, the guard falls back to a PRELOGIN probe; this test makes the change visible.
  test('tedious still has performTlsNegotiation and messageIo.tlsNegotiationComplete', () => {
    const requireFromMssql = createRequire(require.resolve('mssql'));
    const tedious = requireFromMssql('tedious') as { Connection: { prototype: Record<string, unknown> } };
    expect(typeof tedious.Connection.prototype.performTlsNegotiation).toBe('function');
    const source = fs.readFileSync(requireFromMssql.resolve('tedious/lib/message-io.js'), 'utf8');
    expect(source).toContain('tlsNegotiationComplete = true');
    expect(requireFromMssql('tedious/package.json').version).toMatch(/^19\./);
  });
});
