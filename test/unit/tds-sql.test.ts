import { describe, expect, test } from 'vitest';
import { Database, type StatementResult } from '../fixtures/tds/sql-exec';
import { SqlError } from '../fixtures/tds/sql-parse';
import type { SqlValue } from '../fixtures/tds/types';

/** The TDS test server's little T-SQL interpreter, on its own (no network). */
async function run(db: Database, sql: string, params: Record<string, SqlValue> = {}): Promise<StatementResult[]> {
  const results: StatementResult[] = [];
  const map = new Map(Object.entries(params).map(([k, v]) => [k.toLowerCase(), v]));
  await db.execute(sql, { params: map, serverName: 't', spid: 51, signal: new AbortController().signal, emit: (r) => results.push(r) });
  return results;
}

async function sqlError(promise: Promise<unknown>): Promise<SqlError> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(SqlError);
  return error as SqlError;
}

const rowsOf = (results: StatementResult[]) => results.flatMap((r) => (r.kind === 'rows' ? [r.rows] : []));

describe('test server SQL subset', () => {
  test('the set batch tedious sends after login runs without results', async () => {
    const batch = 'set textsize 2147483647\nset quoted_identifier on\nset arithabort off\nset numeric_roundabort off\nset ansi_warnings on\nset ansi_padding on\nset ansi_nulls on\nset concat_null_yields_null on\nset cursor_close_on_commit off\nset implicit_transactions off\nset language us_english\nset dateformat mdy\nset datefirst 7\nset transaction isolation level read committed';
    expect(await run(new Database(), batch)).toEqual([]);
  });

  test('SELECT 1 and expressions without FROM', async () => {
    const [result] = await run(new Database(), 'SELECT 1; ');
    expect(result).toEqual({ kind: 'rows', columns: [{ name: '', type: { kind: 'int' } }], rows: [[1]] });
  });

  test('WHERE with parameters, case-insensitive strings, OR/AND, IS NULL, TOP and ORDER BY DESC (NULLs last)', async () => {
    const db = new Database();
    await run(db, "CREATE TABLE t (app NVARCHAR(10) NOT NULL, machine NVARCHAR(10) NULL, v INT NULL); INSERT INTO t VALUES (N'nurse', NULL, 1), (N'Nurse', N'PC1', 2), (N'doctor', NULL, 3)");
    const pick = (machine: string) => run(db, 'SELECT TOP 1 v FROM t WHERE app = @app AND (machine IS NULL OR machine = @machine) ORDER BY machine DESC', { '@app': 'NURSE', '@machine': machine });
    expect(rowsOf(await pick('PC1'))).toEqual([[[2]]]);
    expect(rowsOf(await pick('PC2'))).toEqual([[[1]]]);
  });

  test('LIKE with %, _ and bracket classes', async () => {
    const db = new Database();
    await run(db, "CREATE TABLE m (name NVARCHAR(20)); INSERT INTO m VALUES (N'ICU_01'), (N'ICUX01'), (N'ward3')");
    expect(rowsOf(await run(db, 'SELECT name FROM m WHERE name LIKE @p ORDER BY name', { '@p': 'ICU[_]%' }))).toEqual([[['ICU_01']]]);
    expect(rowsOf(await run(db, "SELECT name FROM m WHERE name LIKE 'ICU_01' ORDER BY name"))).toEqual([[['ICU_01'], ['ICUX01']]]);
    expect(rowsOf(await run(db, "SELECT name FROM m WHERE name LIKE 'W%'"))).toEqual([[['ward3']]]);
  });

  test('UPDATE … IF @@ROWCOUNT = 0 INSERT upserts; BEGIN TRAN resets @@ROWCOUNT as on SQL Server', async () => {
    const db = new Database();
    await run(db, 'CREATE TABLE s (k NVARCHAR(10) NOT NULL, n INT, CONSTRAINT PK_s PRIMARY KEY (k))');
    const upsert = 'BEGIN TRAN; UPDATE s WITH (UPDLOCK, SERIALIZABLE) SET n = @n WHERE k = @k; IF @@ROWCOUNT = 0 INSERT INTO s (k, n) VALUES (@k, @n); COMMIT;';
    await run(db, upsert, { '@k': 'a', '@n': 1 });
    await run(db, upsert, { '@k': 'a', '@n': 2 });
    expect(db.rows('s')).toEqual([{ k: 'a', n: 2 }]);
    const error = await sqlError(run(db, "INSERT INTO s (k, n) VALUES (N'a', 3)"));
    expect(error.number).toBe(2627);
  });

  test('errors carry real SQL Server numbers', async () => {
    const db = new Database();
    await run(db, 'CREATE TABLE t (a NVARCHAR(3) NOT NULL)');
    expect((await sqlError(run(db, 'SELECT a FROM nope'))).number).toBe(208);
    expect((await sqlError(run(db, 'SELECT b FROM t'))).number).toBe(207);
    expect((await sqlError(run(db, 'SELECT a FROM t WHERE a = @undeclared'))).number).toBe(137);
    expect((await sqlError(run(db, 'SELECT a FORM t'))).number).toBe(102);
    expect((await sqlError(run(db, "INSERT INTO t (a) VALUES (N'toolong')"))).number).toBe(8152);
    expect((await sqlError(run(db, 'INSERT INTO t (a) VALUES (NULL)'))).number).toBe(515);
    expect((await sqlError(run(db, 'CREATE TABLE t (x INT)'))).number).toBe(2714);
  });

  test('IF OBJECT_ID(...) IS NULL CREATE TABLE runs once; DEFAULT fills a column left out', async () => {
    const db = new Database();
    const ddl = "IF OBJECT_ID(N'dbo.x', N'U') IS NULL CREATE TABLE dbo.x (k INT NOT NULL, at DATETIME NOT NULL CONSTRAINT DF_x DEFAULT GETUTCDATE())";
    await run(db, ddl);
    await run(db, ddl);
    await run(db, 'INSERT INTO x (k) VALUES (1)');
    const [row] = db.rows('dbo.x');
    expect(row!.at).toBeInstanceOf(Date);
  });

  test('WAITFOR DELAY stops when the request is cancelled (attention)', async () => {
    const controller = new AbortController();
    const started = Date.now();
    setTimeout(() => controller.abort(new Error('attention')), 50);
    const done = new Database().execute("WAITFOR DELAY '00:00:05'", { params: new Map(), serverName: 't', spid: 1, signal: controller.signal, emit() {} });
    await expect(done).rejects.toThrow('attention');
    expect(Date.now() - started).toBeLessThan(1000);
  });
});
