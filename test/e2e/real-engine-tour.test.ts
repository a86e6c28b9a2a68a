import { spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { fleetSchema } from '../../src/main/core/config/schema';
import { FleetReporter } from '../../src/main/core/report/fleet-reporter';
import { DEMO_UPDATER_SOURCE } from '../../src/main/cli/demo/demo-updater';
import { openHisDatabase, type HisDatabase } from '../fixtures/tds/his-database';
import { createScenario, installState, type Scenario } from '../helpers/scenario';
import { launchChromium } from './support/browser';
import { createService } from './support/engine';
import { openView, type PageSession } from './support/page-session';
import { buildRenderer } from './support/renderer-build';
import { checkLayout, screenshotDir, shoot } from './support/screenshots';
import { ShareValve } from './support/share-valve';
import { serveStatic } from './support/static-server';
import { waitForText } from './support/wait-for';

/*
 * One tour of every nurse state and every IT tab in real Chromium, driven by the real engine the way
 * a hospital runs it: the required version comes from SQL Server (TDS test server), the release from
 * the share through a slow link (ShareValve), the vendor updater really runs, a real process plays
 * the HIS, and fleet rows go through the real reporter. Each stop is a PNG (docs/screenshots with
 * scripts/screenshots.mjs) and a layout check: no text cut off, nothing wider than the window.
 */
let browser: Browser;
let server: { url: string; close: () => Promise<void> };
let cleanupBuild: () => Promise<void>;
let shots: Awaited<ReturnType<typeof screenshotDir>>;
let db: HisDatabase;
let scenario: Scenario;
let his: ChildProcess | undefined;
const sessions: PageSession[] = [];
const layout: Record<string, { clipped: string[]; widerThanWindow: boolean; belowFold: number }> = {};

beforeAll(async () => {
  const [built] = await Promise.all([buildRenderer(), (async () => (db = await openHisDatabase('tds')))()]);
  cleanupBuild = built.cleanup;
  server = await serveStatic(built.dir);
  browser = await launchChromium();
  shots = await screenshotDir();
});

afterAll(async () => {
  for (const s of sessions) await s.close().catch(() => undefined);
  if (his && his.exitCode === null) his.kill('SIGKILL');
  await browser?.close();
  await server?.close();
  await cleanupBuild?.();
  await db?.close();
  await scenario?.cleanup();
  await shots?.cleanup();
});

/** The vendor updater, held until the test drops a flag next to the install folder (so "applying" can be seen). */
const WAITING_UPDATER = `import fsWait from 'node:fs';
import pathWait from 'node:path';
const flag = pathWait.join(process.argv[2], '..', 'go.flag');
const until = Date.now() + 30000;
while (!fsWait.existsSync(flag) && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
${DEMO_UPDATER_SOURCE}`;

async function snap(page: Page, name: string, options: { fullPage?: boolean } = {}): Promise<void> {
  await shoot(page, shots.dir, name, options);
  layout[name] = await checkLayout(page);
}

const panel = (page: Page) => page.getByTestId('nurse-nurse');
const waitForState = (page: Page, state: string, timeout = 20_000) => page.waitForSelector(`[data-testid="nurse-nurse"][data-state="${state}"]`, { timeout });

it('walks every nurse state and every IT tab on the real engine, with screenshots', async () => {
  const versions = db.tables.versions;
  await db.run(`CREATE TABLE ${versions} (app NVARCHAR(64) NOT NULL, machine NVARCHAR(64) NULL, version NVARCHAR(64) NULL, share_path NVARCHAR(260) NULL)`);
  await db.run(`INSERT INTO ${versions} (app, machine, version, share_path) VALUES (N'nurse', NULL, N'2.0.0', NULL)`);
  const ddl = fs.readFileSync(path.join(__dirname, '../../sql/his_update_status.sql'), 'utf8').replace(/his_update_status/g, db.tables.status.replace(/^dbo\./, ''));
  await db.run(ddl);

  const exe = `hisE2E${crypto.randomBytes(2).toString('hex')}.exe`;
  scenario = await createScenario({
    mode: 'run-updater',
    files: 40,
    totalBytes: 24 * 1024 * 1024,
    updaterSource: WAITING_UPDATER,
    agent: { downloadConcurrency: 1 },
    app: {
      versionSource: { type: 'mssql', query: `SELECT TOP 1 version, share_path FROM ${versions} WHERE app = @app AND (machine IS NULL OR machine = @machine) ORDER BY machine DESC` },
      hisProcess: { name: exe, whenRunning: 'ask' },
    },
  });
  await scenario.writeConfig((config) => {
    (config.apps as Array<Record<string, unknown>>)[0]!.versionSource = {
      type: 'mssql',
      query: `SELECT TOP 1 version, share_path FROM ${versions} WHERE app = @app AND (machine IS NULL OR machine = @machine) ORDER BY machine DESC`,
    };
    config.database = { ...db.config(), connectTimeoutSeconds: 3 };
    config.fleet = { enabled: true, table: db.tables.status, silentHours: 24 };
  });

  // The HIS: a real process under the configured image name.
  const exePath = path.join(scenario.root, exe);
  await fsp.copyFile('/bin/sleep', exePath);
  await fsp.chmod(exePath, 0o755);
  his = spawn(exePath, ['300'], { stdio: 'ignore' });
  await new Promise((resolve, reject) => his!.once('spawn', resolve).once('error', reject));

  const valve = new ShareValve(4 * 1024 * 1024);
  // The engine itself reports every run to the fleet table (fleet.enabled); the IT window queries it.
  const { service } = await createService(scenario.configFile, { valve, overrides: { secrets: db.secrets } });
  const nurse = await openView(browser, server.url, service, 'nurse');
  sessions.push(nurse);
  const { page } = nurse;

  // 尚未检查 → 检查更新 → 有新版本 (the database asks for 2.0.0).
  await waitForState(page, 'idle');
  await snap(page, 'nurse-idle');
  await page.getByRole('button', { name: '检查更新' }).click();
  await waitForState(page, 'update-available');
  await waitForText(panel(page).getByRole('heading'), '有新版本 2.0.0');
  await snap(page, 'nurse-update-available');

  // 立即更新: the share is slow to answer, so "checking" stays on screen.
  valve.pause();
  await page.getByRole('button', { name: '立即更新' }).click();
  await waitForState(page, 'checking');
  await snap(page, 'nurse-checking');
  valve.resume();

  // Downloading: hold the link a moment at about a third so the picture is steady.
  await waitForState(page, 'downloading');
  const bar = page.getByRole('progressbar');
  const seen: number[] = [];
  for (let i = 0; i < 200; i++) {
    const now = Number(await bar.getAttribute('aria-valuenow'));
    if (seen.at(-1) !== now) seen.push(now);
    if (now >= 30) break;
    await page.waitForTimeout(50);
  }
  valve.pause();
  await page.waitForTimeout(400);
  await waitForText(page.getByTestId('progress-speed'), /速度 [\d.]+ MB\/s/);
  await snap(page, 'nurse-downloading');
  valve.resume();
  expect(seen.length).toBeGreaterThanOrEqual(2);

  // The HIS is open: the nurse is asked; first she postpones.
  await waitForState(page, 'his-prompt');
  await snap(page, 'nurse-his-prompt');
  await page.getByRole('button', { name: '稍后再更新' }).click();
  await waitForState(page, 'deferred');
  await waitForText(page.getByTestId('error-message'), exe, { contains: true });
  await snap(page, 'nurse-deferred');

  // Retry: the download is already staged; she closes the HIS and continues; the vendor updater runs.
  await page.getByRole('button', { name: '重试' }).click();
  await waitForState(page, 'his-prompt');
  const exited = new Promise((resolve) => his!.once('exit', resolve));
  his.kill('SIGTERM');
  await exited;
  await page.getByRole('button', { name: '我已关闭，继续' }).click();
  await waitForState(page, 'applying');
  await snap(page, 'nurse-applying');
  await fsp.writeFile(path.join(scenario.root, 'go.flag'), '');
  await waitForState(page, 'done');
  await waitForText(panel(page), '已更新到 2.0.0', { contains: true });
  await snap(page, 'nurse-done');
  expect(await installState(scenario)).toBe('new');

  await page.getByRole('button', { name: '检查更新' }).click();
  await waitForState(page, 'up-to-date');
  await snap(page, 'nurse-up-to-date');

  // The database refuses the agent's login: a readable DB message, in both languages.
  const goodUsers = { ...db.tds!.options.users };
  db.tds!.options.users = { his_update: 'changed-by-dba' };
  await page.getByRole('button', { name: '检查更新' }).click();
  await waitForState(page, 'failed');
  await waitForText(page.getByTestId('error-message'), /^数据库登录失败/);
  await snap(page, 'nurse-failed');
  await page.getByRole('button', { name: 'Switch to English' }).click();
  await waitForText(page.getByTestId('error-message'), /^Database login failed/);
  await snap(page, 'nurse-failed-en');
  await page.getByRole('button', { name: '切换到中文' }).click();

  // ---- IT window ----
  const status = await openView(browser, server.url, service, 'status');
  sessions.push(status);
  const it = status.page;
  await waitForText(it.getByTestId('version-installed'), /^2\.0\.0/);
  await waitForText(it.getByTestId('version-required'), '2.0.0');
  await waitForText(it.getByTestId('version-share'), '2.0.0');
  await snap(it, 'it-status');

  await it.getByRole('tab', { name: '历史' }).click();
  const history = it.getByTestId('history-table');
  await waitForText(history, '1.0.0 → 2.0.0', { contains: true });
  await waitForText(history, 'DB_LOGIN_FAILED', { contains: true });
  await snap(it, 'it-history');

  await it.getByRole('tab', { name: '日志' }).click();
  await it.getByTestId('log-lines').waitFor();
  await it.getByTestId('log-search').fill('auto_update');
  // The engine filters: only lines with the word remain (the list is replaced once the answer arrives).
  const items = it.getByTestId('log-lines').getByRole('listitem');
  await it.waitForFunction(() => {
    const texts = Array.from(document.querySelectorAll('[data-testid="log-lines"] li')).map((li) => li.textContent!.toLowerCase());
    return texts.length > 0 && texts.every((t) => t.includes('auto_update'));
  });
  expect((await items.allInnerTexts()).length).toBeGreaterThan(0);
  await it.getByTestId('log-search').fill('');
  await it.getByTestId('log-level').selectOption('info');
  await it.waitForTimeout(300);
  await snap(it, 'it-log');

  // Diagnosis while the database still refuses the login: that check fails, the share checks pass.
  await it.getByRole('tab', { name: '诊断' }).click();
  await it.getByRole('button', { name: '运行诊断' }).click();
  const checks = it.getByTestId('diagnosis-checks');
  await checks.waitFor({ timeout: 30_000 });
  expect(await checks.locator('[data-status="fail"]').count()).toBeGreaterThan(0);
  expect(await checks.locator('[data-status="pass"]').count()).toBeGreaterThan(0);
  await waitForText(checks, 'DB_LOGIN_FAILED', { contains: true });
  await it.getByRole('button', { name: '导出支持包' }).click();
  await waitForText(it.getByRole('status').filter({ hasText: '支持包已保存' }), /his-update-support-.*\.zip/);
  await snap(it, 'it-diagnosis', { fullPage: true });

  // Fleet: the DBA fixed the password; other ward PCs reported through the real reporter.
  db.tds!.options.users = goodUsers;
  const peers = new FleetReporter({ database: db.config(), fleet: fleetSchema.parse({ enabled: true, table: db.tables.status }), secrets: db.secrets, stateDir: path.join(scenario.root, 'peers') });
  const base = { user: 'nurse', app: 'nurse', targetVersion: '2.0.0', durationMs: 41_000, bytesMoved: 9_000_000, agentVersion: '0.1.0', reportedAt: new Date().toISOString() };
  await peers.report({ ...base, machine: 'NW3-PC01', installedVersion: '2.0.0', state: 'updated', errorCode: null, messageZh: null });
  await peers.report({ ...base, machine: 'NW3-PC02', installedVersion: '1.0.0', state: 'failed', errorCode: 'SHARE_SMB1_ONLY', messageZh: '更新服务器 his-fs 只支持 SMB1 协议（如 Windows Server 2003）。', durationMs: 900, bytesMoved: 0 });
  await peers.report({ ...base, machine: 'NW3-PC03', installedVersion: '1.0.0', state: 'heartbeat', errorCode: null, messageZh: null, durationMs: null, bytesMoved: null, reportedAt: '2026-01-01T08:00:00.000Z' });
  await peers.report({ ...base, machine: 'ICU-PC01', installedVersion: '2.0.0', state: 'up-to-date', errorCode: null, messageZh: null, bytesMoved: 0 });
  await db.run(`UPDATE ${db.tables.status} SET received_at = '2026-01-01T08:00:00' WHERE machine = N'NW3-PC03'`);
  await it.getByRole('tab', { name: '机群' }).click();
  const table = it.getByTestId('fleet-table');
  await waitForText(table, 'NW3-PC02', { contains: true });
  await waitForText(table, service.agent.ctx.machine, { contains: true });
  await it.getByTestId('fleet-prefix').fill('NW3-');
  await it.getByRole('button', { name: '查询' }).click();
  await waitForText(it.getByRole('status').filter({ hasText: '共' }), /^共 3 台机器，1 台超过 24 小时未报告/);
  expect(await table.innerText()).not.toContain('ICU-PC01');
  await snap(it, 'it-fleet');

  expect(nurse.problems).toEqual([]);
  expect(status.problems).toEqual([]);
  console.log(`screenshots in ${shots.dir}; layout: ${JSON.stringify(layout)}`);
  for (const [name, report] of Object.entries(layout)) {
    expect(report.clipped, name).toEqual([]);
    expect(report.widerThanWindow, name).toBe(false);
  }
});
