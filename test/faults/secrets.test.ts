import fs from 'node:fs';
import path from 'node:path';
import { unzipSync } from 'fflate';
import { afterAll, describe, expect, it } from 'vitest';
import { openHisDatabase, type HisDatabase } from '../fixtures/tds/his-database';
import { runCli, type CliRun } from '../helpers/cli';
import { startSamba, type SambaServer } from '../helpers/samba';
import { createScenario, installState, type Scenario } from '../helpers/scenario';
import { FaultTable } from './support/fault-table';

/**
 * Known test passwords (the share's over transport smb2, the database's, and two wrong ones that make
 * logons fail) go through update, check, status, diagnose, bundle and fleet, successful and failing,
 * with --verbose. Then every file the agent wrote (state, staging, logs, install, the support zip
 * unpacked), everything it printed, and the rows it wrote into the database are searched for each
 * password as UTF-8, UTF-16LE (how NTLM and TDS carry it) and base64.
 */
const table = new FaultTable('secrets');
afterAll(() => table.print());

const SMB_USER = 'hissecret';
const SMB_PASSWORD = 'Smb-S3cret-Pw-7741';
const WRONG_SMB_PASSWORD = 'Wrong-Smb-Pw-9902';
const WRONG_DB_PASSWORD = 'Wrong-Db-Pw-3318';

function forms(secret: string): Array<[string, Buffer]> {
  return [
    ['utf8', Buffer.from(secret, 'utf8')],
    ['utf16le', Buffer.from(secret, 'utf16le')],
    ['base64', Buffer.from(Buffer.from(secret).toString('base64'))],
  ];
}

function filesBelow(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return (fs.readdirSync(dir, { recursive: true, withFileTypes: true }) as fs.Dirent[]).filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name));
}

describe('secrets never leave the secret store', () => {
  let samba: SambaServer | undefined;
  let db: HisDatabase | undefined;
  let s: Scenario | undefined;
  afterAll(async () => {
    await samba?.stop();
    await db?.close();
    await s?.cleanup();
  });

  it('no password in any file, output, bundle or database row the agent wrote', async () => {
    s = await createScenario({ mode: 'mirror', files: 12, totalBytes: 128 * 1024 });
    samba = await startSamba({ shares: [{ name: 'update', path: path.dirname(s.shareDir) }], users: [{ name: SMB_USER, password: SMB_PASSWORD }] });
    db = await openHisDatabase('tds');
    const ddl = fs.readFileSync(path.join(__dirname, '../../sql/his_update_status.sql'), 'utf8').replace(/his_update_status/g, db.tables.status.replace(/^dbo\./, ''));
    await db.run(ddl);
    await db.run(`CREATE TABLE ${db.tables.versions} (app NVARCHAR(64) NOT NULL, version NVARCHAR(64) NULL)`);
    await db.run(`INSERT INTO ${db.tables.versions} (app, version) VALUES (N'nurse', N'2.0.0')`);
    const database = db.config();
    await s.writeConfig((config) => {
      config.database = database;
      config.fleet = { enabled: true, table: db!.tables.status };
      const app = (config.apps as Array<Record<string, unknown>>)[0]!;
      app.versionSource = { type: 'mssql', query: `SELECT version FROM ${db!.tables.versions} WHERE app = @app` };
      app.share = { path: '\\\\127.0.0.1\\update\\nurse', transport: 'smb2', port: samba!.port, username: SMB_USER, password: { env: 'HIS_FAULT_SMB_PASSWORD' }, timeoutSeconds: 5 };
    });
    const good = { HIS_FAULT_SMB_PASSWORD: SMB_PASSWORD, HIS_TEST_DB_PASSWORD: db.password };
    const bundle = path.join(s.root, 'support', 'bundle.zip');
    const runs: Array<[string, CliRun]> = [];
    const cli = async (name: string, args: string[], env: Record<string, string>) => {
      const run = await runCli([...args, '--verbose', '--config', s!.configFile], { env });
      runs.push([name, run]);
      return run;
    };

    await table.run(
      'secrets in files and output',
      'update/check/status/diagnose/bundle/fleet with the right passwords, then update/diagnose/bundle with a wrong share password and a wrong database password; --verbose',
      'none of the 4 passwords (UTF-8, UTF-16LE, base64) in state, staging, logs, install, the unpacked bundle, stdout/stderr, or the fleet rows',
      async (measure) => {
        expect((await cli('update', ['update', '--json'], good)).code).toBe(0);
        expect(await installState(s!)).toBe('new');
        await cli('check', ['check', '--json'], good);
        await cli('status', ['status', '--json'], good);
        await cli('diagnose', ['diagnose', '--json'], good);
        expect((await cli('bundle', ['bundle', '--json', '--out', bundle], good)).code).toBe(0);
        expect((await cli('fleet', ['fleet', '--json'], good)).code).toBe(0);
        // Failing logons: the wrong passwords are secrets too, and errors are where leaks usually hide.
        await db!.run(`UPDATE ${db!.tables.versions} SET version = N'3.0.0'`);
        const wrongShare = { ...good, HIS_FAULT_SMB_PASSWORD: WRONG_SMB_PASSWORD };
        const failedShare = await cli('update (wrong share password)', ['update', '--json'], wrongShare);
        expect(failedShare.stdout).toMatch(/SHARE_LOGON_FAILED|SHARE_ACCESS_DENIED/);
        const wrongDb = { ...good, HIS_TEST_DB_PASSWORD: WRONG_DB_PASSWORD };
        const failedDb = await cli('update (wrong database password)', ['update', '--json'], wrongDb);
        expect(failedDb.stdout).toContain('DB_LOGIN_FAILED');
        await cli('diagnose (wrong passwords)', ['diagnose', '--json'], { HIS_FAULT_SMB_PASSWORD: WRONG_SMB_PASSWORD, HIS_TEST_DB_PASSWORD: WRONG_DB_PASSWORD });
        await cli('bundle (wrong passwords)', ['bundle', '--json', '--out', `${bundle}.2.zip`], { HIS_FAULT_SMB_PASSWORD: WRONG_SMB_PASSWORD, HIS_TEST_DB_PASSWORD: WRONG_DB_PASSWORD });

        const haystacks: Array<[string, Buffer]> = [];
        for (const dir of [s!.stateDir, s!.stagingDir, path.join(s!.root, 'logs'), s!.installDir, path.join(s!.root, 'support')]) {
          for (const file of filesBelow(dir)) {
            const bytes = fs.readFileSync(file);
            haystacks.push([path.relative(s!.root, file), bytes]);
            if (file.endsWith('.zip')) for (const [entry, data] of Object.entries(unzipSync(bytes))) haystacks.push([`${path.relative(s!.root, file)}!${entry}`, Buffer.from(data)]);
          }
        }
        for (const [name, run] of runs) haystacks.push([`${name} stdout`, Buffer.from(run.stdout)], [`${name} stderr`, Buffer.from(run.stderr)]);
        const rows = await db!.run(`SELECT * FROM ${db!.tables.status}`);
        expect(rows.length).toBeGreaterThan(0);
        haystacks.push(['fleet rows', Buffer.from(JSON.stringify(rows))]);
        expect(haystacks.some(([name]) => name.includes('.zip!logs/'))).toBe(true);

        const leaks: string[] = [];
        for (const secret of [SMB_PASSWORD, db!.password, WRONG_SMB_PASSWORD, WRONG_DB_PASSWORD]) {
          for (const [form, needle] of forms(secret)) for (const [name, bytes] of haystacks) if (bytes.includes(needle)) leaks.push(`${secret} (${form}) in ${name}`);
        }
        expect(leaks).toEqual([]);
        const bytes = haystacks.reduce((sum, [, b]) => sum + b.length, 0);
        measure(`${runs.length} commands; ${haystacks.length} files/outputs/zip entries (${Math.round(bytes / 1024)} KiB) searched; 0 hits`);
      },
    );
  }, 120_000);
});
