import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSingleJson, runCli } from '../helpers/cli';
import { createScenario, type Scenario } from '../helpers/scenario';
import { openHisDatabase, type HisDatabase } from '../fixtures/tds/his-database';

/** The agent reports each run into the HIS database and `his-update fleet` reads the fleet back. */
let db: HisDatabase;
let s: Scenario;
const env = () => ({ HIS_TEST_DB_PASSWORD: db.password });

beforeAll(async () => {
  db = await openHisDatabase('tds');
  const ddl = fs.readFileSync(path.join(__dirname, '../../sql/his_update_status.sql'), 'utf8').replace(/his_update_status/g, db.tables.status.replace(/^dbo\./, ''));
  await db.run(ddl);
  s = await createScenario({ mode: 'mirror' });
  await s.writeConfig((config) => {
    config.database = db.config();
    config.fleet = { enabled: true, table: db.tables.status };
  });
});
afterAll(async () => {
  await db?.close();
  await s?.cleanup();
});

describe('fleet status from the agent', () => {
  it('an update writes this PC\'s row; his-update fleet lists it; a run while the database is down queues the row and the next run sends it', async () => {
    const update = parseSingleJson<{ ok: boolean }>(await runCli(['update', '--json', '--config', s.configFile], { env: env() }));
    expect(update.ok).toBe(true);
    const fleet = parseSingleJson<{ rows: Array<Record<string, unknown>>; countsByVersion: unknown[] }>(await runCli(['fleet', '--json', '--config', s.configFile], { env: env() }));
    expect(fleet.rows).toHaveLength(1);
    expect(fleet.rows[0]).toMatchObject({ app: 'nurse', installedVersion: '2.0.0', targetVersion: '2.0.0', state: 'updated', errorCode: null });
    expect(fleet.countsByVersion).toEqual([{ app: 'nurse', version: '2.0.0', count: 1 }]);

    // Database down: the run itself is unaffected and the row waits in the local queue.
    await db.tds!.stopListening();
    const started = Date.now();
    const check = await runCli(['check', '--json', '--config', s.configFile], { env: env() });
    expect(parseSingleJson<{ ok: boolean; outcome: string }>(check)).toMatchObject({ ok: true, outcome: 'up-to-date' });
    expect(Date.now() - started).toBeLessThan(15_000);
    const queue = JSON.parse(fs.readFileSync(path.join(s.stateDir, 'fleet-queue.json'), 'utf8')) as { rows: unknown[] };
    expect(queue.rows.length).toBe(1);

    await db.tds!.listen();
    await runCli(['check', '--json', '--config', s.configFile], { env: env() });
    const after = parseSingleJson<{ rows: Array<Record<string, unknown>> }>(await runCli(['fleet', '--json', '--config', s.configFile], { env: env() }));
    expect(after.rows[0]).toMatchObject({ state: 'up-to-date', installedVersion: '2.0.0' });
    // Drained: the queue file is gone once empty.
    expect(fs.existsSync(path.join(s.stateDir, 'fleet-queue.json'))).toBe(false);
  });
});
