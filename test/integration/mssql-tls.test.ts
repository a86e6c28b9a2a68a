import sql from 'mssql';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import type { DatabaseConfig } from '../../src/main/core/config/schema';
import { AgentError } from '../../src/main/core/errors/agent-error';
import { MssqlVersionSource } from '../../src/main/core/version/mssql-source';
import { selfSignedCertificate } from '../fixtures/tds/cert';
import { REAL_SERVER, openHisDatabase, type HisDatabase } from '../fixtures/tds/his-database';

const QUERY = { appId: 'nurse', machine: 'WARD3-PC07', user: 'nurse01', currentVersion: '5.1.0.0' };
const timings: Record<string, number> = {};

async function check(db: HisDatabase, overrides: Partial<DatabaseConfig>): Promise<string> {
  const source = new MssqlVersionSource({ database: db.config(overrides), query: `SELECT version FROM ${db.tables.versions} WHERE app = @app`, secrets: db.secrets });
  return (await source.getTarget(QUERY)).version;
}

async function failure(name: string, run: () => Promise<unknown>): Promise<AgentError> {
  const started = Date.now();
  const error = await run().then(() => { throw new Error(`${name}: expected a failure`); }, (e: unknown) => e);
  timings[name] = Date.now() - started;
  expect(error).toBeInstanceOf(AgentError);
  return error as AgentError;
}

afterAll(() => console.log(`mssql TLS, time to each outcome (ms): ${JSON.stringify(timings)}`));

describe('TLS inside PRELOGIN against the TDS test server', () => {
  let db: HisDatabase;
  beforeAll(async () => {
    db = await openHisDatabase('tds');
    await db.run(`CREATE TABLE ${db.tables.versions} (app NVARCHAR(64) NOT NULL PRIMARY KEY, version NVARCHAR(64) NOT NULL);
      INSERT INTO ${db.tables.versions} (app, version) VALUES (N'nurse', N'5.2.0.123')`);
  });
  afterEach(() => {
    Object.assign(db.tds!.options, { encryption: 'supported', tls10Only: false, version: [15, 0, 4153] });
  });
  afterAll(async () => db?.close());

  test('encrypt on + trustServerCertificate: the login and the query travel over TLS 1.2', async () => {
    const before = db.tds!.stats.encryptedLogins;
    const started = Date.now();
    expect(await check(db, { encrypt: 'on', trustServerCertificate: true })).toBe('5.2.0.123');
    timings['encrypted check'] = Date.now() - started;
    // pool.connect() logs in once to test, the query's connection once more.
    expect(db.tds!.stats.encryptedLogins - before).toBe(2);
    expect(db.tds!.tlsProtocols.at(-1)).toBe('TLSv1.2');
  });

  test('self-signed certificate with trustServerCertificate off: DB_CERT_UNTRUSTED names the setting', async () => {
    const error = await failure('self-signed, trust off', () => check(db, { encrypt: 'on', trustServerCertificate: false }));
    expect(error.code).toBe('DB_CERT_UNTRUSTED');
    expect(error.zh).toContain('127.0.0.1');
    expect(error.zh).toContain('自签名');
    expect(error.zh).toContain('"trustServerCertificate": true');
  });

  test('TLS 1.0-only server (SQL Server 2008): DB_TLS_LEGACY says to set legacyTls; with legacyTls it works over TLS 1.0', async () => {
    Object.assign(db.tds!.options, { tls10Only: true, version: [10, 0, 5500] });
    const error = await failure('TLS 1.0-only, legacyTls off', () => check(db, { encrypt: 'on', trustServerCertificate: true }));
    expect(error.code).toBe('DB_TLS_LEGACY');
    expect(error.zh).toContain('127.0.0.1');
    expect(error.zh).toContain('TLS 1.0');
    expect(error.zh).toContain('"legacyTls": true');
    const before = db.tds!.stats.logins;
    expect(await check(db, { encrypt: 'on', trustServerCertificate: true, legacyTls: true })).toBe('5.2.0.123');
    expect(db.tds!.stats.logins - before).toBe(2);
    expect(db.tds!.tlsProtocols.at(-1)).toBe('TLSv1');
  });

  test('guard: a server answering NOT_SUP to a client that asked for encryption gets no login (DB_ENCRYPTION_REFUSED)', async () => {
    db.tds!.options.encryption = 'not-supported';
    const loginsBefore = db.tds!.stats.login7Received;
    const error = await failure('encryption refused', () => check(db, { encrypt: 'on', trustServerCertificate: true }));
    expect(error.code).toBe('DB_ENCRYPTION_REFUSED');
    expect(error.zh).toContain('127.0.0.1');
    expect(error.zh).toContain('encrypt');
    expect(error.detail).toContain('LOGIN7');
    // No LOGIN7, so the password never crossed the wire.
    expect(db.tds!.stats.login7Received).toBe(loginsBefore);
    // With encryption off the same server is fine.
    expect(await check(db, { encrypt: 'off' })).toBe('5.2.0.123');
  });

  test('why the guard exists: plain mssql with encrypt:true logs in over plaintext when the server says NOT_SUP', async () => {
    db.tds!.options.encryption = 'not-supported';
    const before = db.tds!.stats.login7Received;
    const pool = new sql.ConnectionPool({ server: '127.0.0.1', port: db.tds!.port, user: 'his_update', password: db.password, database: 'his', options: { encrypt: true, trustServerCertificate: true } });
    await pool.connect();
    const result = await pool.request().query(`SELECT version FROM ${db.tables.versions} WHERE app = N'nurse'`);
    await pool.close();
    expect(result.recordset[0]).toEqual({ version: '5.2.0.123' });
    expect(db.tds!.stats.login7Received).toBeGreaterThan(before);
  });

  test('encrypt strict (TDS 8.0) with a self-signed certificate: DB_CERT_UNTRUSTED explains trust does not apply', async () => {
    const error = await failure('strict, self-signed', () => check(db, { encrypt: 'strict', trustServerCertificate: true }));
    expect(error.code).toBe('DB_CERT_UNTRUSTED');
    expect(error.zh).toContain('strict');
  });

  test('the test server speaks TDS 8.0 strict to a client that trusts its certificate', async () => {
    const before = db.tds!.stats.encryptedLogins;
    const pool = new sql.ConnectionPool({
      server: 'localhost', port: db.tds!.port, user: 'his_update', password: db.password, database: 'his',
      options: { encrypt: 'strict' as unknown as boolean, cryptoCredentialsDetails: { ca: selfSignedCertificate().cert } },
    });
    await pool.connect();
    const result = await pool.request().query(`SELECT version FROM ${db.tables.versions} WHERE app = N'nurse'`);
    await pool.close();
    expect(result.recordset[0]).toEqual({ version: '5.2.0.123' });
    expect(db.tds!.stats.encryptedLogins).toBeGreaterThan(before);
  });
});

describe.skipIf(!REAL_SERVER)('TLS against the real SQL Server (HIS_TEST_MSSQL)', () => {
  let db: HisDatabase;
  beforeAll(async () => {
    db = await openHisDatabase('real');
    await db.run(`CREATE TABLE ${db.tables.versions} (app NVARCHAR(64) NOT NULL PRIMARY KEY, version NVARCHAR(64) NOT NULL);
      INSERT INTO ${db.tables.versions} (app, version) VALUES (N'nurse', N'5.2.0.123')`);
  });
  afterAll(async () => db?.close());

  test('encrypt on + trustServerCertificate works', async () => {
    expect(await check(db, { encrypt: 'on', trustServerCertificate: true })).toBe('5.2.0.123');
  });
});
