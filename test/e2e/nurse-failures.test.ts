import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DefaultSecretResolver } from '../../src/main/core/config/secrets';
import { openHisDatabase, type HisDatabase } from '../fixtures/tds/his-database';
import { startSamba, type SambaServer } from '../helpers/samba';
import { createScenario, installState, type Scenario } from '../helpers/scenario';
import { launchChromium } from './support/browser';
import { createService } from './support/engine';
import { openView, type PageSession } from './support/page-session';
import { buildRenderer } from './support/renderer-build';
import { checkLayout, screenshotDir, shoot } from './support/screenshots';
import { serveStatic } from './support/static-server';
import { waitForText } from './support/wait-for';

/*
 * The seed case's two classic failures, end to end in real Chromium on the real engine: the HIS
 * database (TDS test server speaking to the real mssql driver) refusing the agent, and an update
 * server that speaks only SMB1 (a real Samba) reached through the agent's own SMB2 client. The nurse
 * must read a sentence that names the thing and says what to do, and Retry must work once fixed.
 */
const SMB_USER = 'hisupd6';
const SMB_PASSWORD = 'Nurse-View-Pw6';

let browser: Browser;
let server: { url: string; close: () => Promise<void> };
let cleanupBuild: () => Promise<void>;
let shots: Awaited<ReturnType<typeof screenshotDir>>;
let db: HisDatabase;
let smb1: SambaServer;
let smbRoot: string;
let scenario: Scenario | undefined;
let session: PageSession | undefined;

beforeAll(async () => {
  smbRoot = await fsp.mkdtemp(path.join(os.tmpdir(), 'his-e2e-smb1-'));
  await fsp.mkdir(path.join(smbRoot, 'nurse'));
  const [built, database, samba] = await Promise.all([
    buildRenderer(),
    openHisDatabase('tds'),
    startSamba({ variant: 'smb1', shares: [{ name: 'update', path: smbRoot }], users: [{ name: SMB_USER, password: SMB_PASSWORD }] }),
  ]);
  cleanupBuild = built.cleanup;
  db = database;
  smb1 = samba;
  server = await serveStatic(built.dir);
  browser = await launchChromium();
  shots = await screenshotDir();
  await db.run(`CREATE TABLE ${db.tables.versions} (app NVARCHAR(64) NOT NULL, machine NVARCHAR(64) NULL, version NVARCHAR(64) NULL)`);
  await db.run(`INSERT INTO ${db.tables.versions} (app, machine, version) VALUES (N'nurse', NULL, N'2.0.0')`);
});

afterEach(async () => {
  if (session) expect(session.problems).toEqual([]);
  await session?.close();
  session = undefined;
  await scenario?.cleanup();
  scenario = undefined;
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await cleanupBuild?.();
  await db?.close();
  await smb1?.stop();
  await shots?.cleanup();
  if (smbRoot) await fsp.rm(smbRoot, { recursive: true, force: true });
});

const panel = (page: Page) => page.getByTestId('nurse-nurse');
const waitForState = (page: Page, state: string, timeout = 20_000) => page.waitForSelector(`[data-testid="nurse-nurse"][data-state="${state}"]`, { timeout });

/** A scenario whose required version comes from the database (versionSource mssql). */
async function databaseScenario(database: Record<string, unknown>): Promise<Scenario> {
  const s = await createScenario({ mode: 'mirror' });
  await s.writeConfig((config) => {
    (config.apps as Array<Record<string, unknown>>)[0]!.versionSource = {
      type: 'mssql',
      query: `SELECT TOP 1 version FROM ${db.tables.versions} WHERE app = @app AND (machine IS NULL OR machine = @machine) ORDER BY machine DESC`,
    };
    config.database = { ...db.config(), connectTimeoutSeconds: 3, ...database };
  });
  return s;
}

/** The nurse sees the readable message and the code, never a stack, errno or driver text. */
async function expectReadableFailure(page: Page, zh: string, code: string): Promise<void> {
  await waitForState(page, 'failed');
  await waitForText(page.getByTestId('error-message'), zh);
  await waitForText(panel(page), `错误代码 ${code}`, { contains: true });
  const text = await panel(page).innerText();
  expect(text).not.toMatch(/\n\s+at |Error:|ELOGIN|ESOCKET|ECONNREFUSED|STATUS_|NT LM/);
  expect(text.replace(/\s+/g, '')).not.toBe('连接数据库');
  await page.waitForFunction((label) => document.activeElement?.textContent === label, '重试', { timeout: 5000 });
}

async function snapFailure(page: Page, name: string): Promise<void> {
  await shoot(page, shots.dir, name);
  const layout = await checkLayout(page);
  expect(layout.clipped).toEqual([]);
  expect(layout.widerThanWindow).toBe(false);
  // A long message may scroll inside the window; the buttons stay visible (sticky).
  expect(await page.getByRole('button', { name: '重试' }).isVisible()).toBe(true);
  const box = await page.getByRole('button', { name: '重试' }).boundingBox();
  expect(box!.y + box!.height).toBeLessThanOrEqual(page.viewportSize()!.height);
}

describe('database failures (versionSource mssql, TDS test server)', () => {
  it('a refused login shows DB_LOGIN_FAILED in words; 复制详情 carries the driver detail for IT', async () => {
    scenario = await databaseScenario({});
    const wrongSecrets = new DefaultSecretResolver({ HIS_TEST_DB_PASSWORD: 'not-the-password' });
    const { service, copied } = await createService(scenario.configFile, { overrides: { secrets: wrongSecrets } });
    session = await openView(browser, server.url, service, 'nurse');
    const { page } = session;
    await page.getByRole('button', { name: '检查更新' }).click();
    await expectReadableFailure(page, '数据库登录失败（用户 his_update）。请信息科检查更新程序的数据库账号和密码。', 'DB_LOGIN_FAILED');
    await page.getByRole('button', { name: '复制详情' }).click();
    await waitForText(page.getByRole('status'), '详情已复制，可以粘贴发给信息科。');
    expect(copied[0]).toContain('错误代码 / Code: DB_LOGIN_FAILED');
    expect(copied[0]).toMatch(/详情 \/ Detail: .*Login failed for user 'his_update'/);
    expect(copied[0]).not.toContain(db.password);
  });

  it('a database server that refuses connections shows DB_UNREACHABLE naming server:port; Retry works once it is back', async () => {
    scenario = await databaseScenario({});
    const { service } = await createService(scenario.configFile, { overrides: { secrets: db.secrets } });
    session = await openView(browser, server.url, service, 'nurse');
    const { page } = session;
    const port = db.tds!.port;
    await db.tds!.stopListening();
    try {
      await page.getByRole('button', { name: '检查更新' }).click();
      await expectReadableFailure(page, `无法连接 HIS 数据库服务器 127.0.0.1:${port}（连接被拒绝）。请确认网络和数据库服务是否正常，或联系信息科。`, 'DB_UNREACHABLE');
      await snapFailure(page, 'nurse-failed-db-unreachable');
    } finally {
      await db.tds!.listen(port);
    }
    await page.getByRole('button', { name: '重试' }).click();
    await waitForState(page, 'done');
    await waitForText(panel(page), '已更新到 2.0.0', { contains: true });
    expect(await installState(scenario)).toBe('new');
  });
});

describe('SMB1-only update server (real Samba, NT1 only)', () => {
  it('shows SHARE_SMB1_ONLY naming the server and what IT can do, in Chinese and English', async () => {
    scenario = await createScenario({ mode: 'mirror' });
    await scenario.writeConfig((config) => {
      (config.apps as Array<Record<string, unknown>>)[0]!.share = {
        path: '\\\\127.0.0.1\\update\\nurse',
        transport: 'smb2',
        port: smb1.port,
        username: SMB_USER,
        password: { env: 'HIS_E2E_SMB_PASSWORD' },
        allowSmb1: false,
        timeoutSeconds: 10,
      };
    });
    const secrets = new DefaultSecretResolver({ HIS_E2E_SMB_PASSWORD: SMB_PASSWORD });
    const { service, copied } = await createService(scenario.configFile, { overrides: { secrets } });
    session = await openView(browser, server.url, service, 'nurse');
    const { page } = session;
    const started = Date.now();
    await page.getByRole('button', { name: '检查更新' }).click();
    await expectReadableFailure(
      page,
      '更新服务器 127.0.0.1 只支持 SMB1 协议（如 Windows Server 2003），本机的 SMB1 客户端已关闭。请信息科在配置中允许更新程序自带的只读 SMB1 客户端（allowSmb1），或在本机启用 "SMB 1.0/CIFS 客户端"，或将共享迁移到新服务器。',
      'SHARE_SMB1_ONLY',
    );
    expect(Date.now() - started).toBeLessThan(5000);
    await snapFailure(page, 'nurse-failed-smb1');
    await page.getByRole('button', { name: '复制详情' }).click();
    await waitForText(page.getByRole('status'), '详情已复制，可以粘贴发给信息科。');
    expect(copied[0]).toContain('SHARE_SMB1_ONLY');
    expect(copied[0]).not.toContain(SMB_PASSWORD);
    await page.getByRole('button', { name: 'Switch to English' }).click();
    await waitForText(page.getByTestId('error-message'), /^Update server 127\.0\.0\.1 speaks only SMB1/);
  });
});
