import { spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fsp from 'node:fs/promises';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createScenario, installState, type Scenario } from '../helpers/scenario';
import { launchChromium } from './support/browser';
import { createService } from './support/engine';
import { openView, type PageSession } from './support/page-session';
import { buildRenderer } from './support/renderer-build';
import { ShareValve } from './support/share-valve';
import { serveStatic } from './support/static-server';
import { waitForText } from './support/wait-for';

/*
 * The nurse window in real Chromium, built by Vite as shipped, talking to the real engine
 * (AgentService over a demo share) through the preload's API shape.
 */
let browser: Browser;
let server: { url: string; close: () => Promise<void> };
let cleanupBuild: () => Promise<void>;
let scenario: Scenario | undefined;
let session: PageSession | undefined;
let his: ChildProcess | undefined;

beforeAll(async () => {
  const built = await buildRenderer();
  cleanupBuild = built.cleanup;
  server = await serveStatic(built.dir);
  browser = await launchChromium();
});

afterEach(async () => {
  if (session) expect(session.problems).toEqual([]);
  await session?.close();
  session = undefined;
  if (his && his.exitCode === null) his.kill('SIGKILL');
  his = undefined;
  await scenario?.cleanup();
  scenario = undefined;
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await cleanupBuild?.();
});

const panel = (page: Page) => page.getByTestId('nurse-nurse');
const stateOf = (page: Page) => panel(page).getAttribute('data-state');

async function waitForState(page: Page, state: string, timeout = 20_000): Promise<void> {
  await page.waitForSelector(`[data-testid="nurse-nurse"][data-state="${state}"]`, { timeout });
}

describe('nurse window, real engine', () => {
  it('checks, then downloads with a visibly rising progress bar, installs and shows the new version', async () => {
    scenario = await createScenario({ mode: 'mirror', files: 40, totalBytes: 24 * 1024 * 1024, agent: { downloadConcurrency: 1 } });
    const valve = new ShareValve(5 * 1024 * 1024);
    const { service } = await createService(scenario.configFile, { valve });
    session = await openView(browser, server.url, service, 'nurse');
    const { page } = session;

    await waitForState(page, 'idle');
    await page.getByRole('button', { name: '检查更新' }).click();
    await waitForState(page, 'update-available');
    await waitForText(panel(page).getByRole('heading'), /有新版本 2\.0\.0/);

    await page.getByRole('button', { name: '立即更新' }).click();
    const bar = page.getByRole('progressbar');
    await bar.waitFor({ timeout: 10_000 });
    const samples: number[] = [];
    while ((await stateOf(page)) === 'downloading') {
      const now = await bar.getAttribute('aria-valuenow').catch(() => null);
      if (now !== null && samples.at(-1) !== Number(now)) samples.push(Number(now));
      await page.waitForTimeout(150);
    }
    expect(samples.length, `progress samples ${samples.join(',')}`).toBeGreaterThanOrEqual(3);
    expect([...samples].sort((a, b) => a - b)).toEqual(samples);
    expect(samples.some((v) => v > 0 && v < 100)).toBe(true);

    await waitForState(page, 'done');
    await waitForText(panel(page).getByRole('heading'), '更新完成');
    await waitForText(panel(page), '已更新到 2.0.0', { contains: true });
    expect(await installState(scenario)).toBe('new');
  });

  it('shows a readable zh message when the share is missing, copies details, switches language, and Retry succeeds once the share exists', async () => {
    const root = await fsp.mkdtemp(path.join((await import('node:os')).tmpdir(), 'his-e2e-'));
    const missing = path.join(root, 'nurse-2.0');
    scenario = await createScenario({ mode: 'mirror', sharePath: missing });
    const { service, copied } = await createService(scenario.configFile);
    session = await openView(browser, server.url, service, 'nurse');
    const { page } = session;

    await page.getByRole('button', { name: '检查更新' }).click();
    await waitForState(page, 'failed');
    const message = page.getByTestId('error-message');
    await waitForText(message, `找不到更新共享 ${missing}。请确认文件服务器已开机，或请信息科检查共享路径配置。`);
    await waitForText(panel(page), '错误代码 SHARE_NOT_FOUND', { contains: true });
    expect(await panel(page).innerText()).not.toMatch(/\n\s+at |Error:|ENOENT/);
    // The keyboard lands on Retry as soon as the failure shows.
    await page.waitForFunction((label) => document.activeElement?.textContent === label, '重试', { timeout: 5000 });

    await page.getByRole('button', { name: '复制详情' }).click();
    await waitForText(page.getByRole('status'), '详情已复制，可以粘贴发给信息科。');
    expect(copied).toHaveLength(1);
    expect(copied[0]).toContain('错误代码 / Code: SHARE_NOT_FOUND');
    expect(copied[0]).toContain(`信息: 找不到更新共享 ${missing}`);
    expect(copied[0]).toMatch(/详情 \/ Detail: .*ENOENT/);

    await page.getByRole('button', { name: 'Switch to English' }).click();
    await waitForText(message, `Update share ${missing} not found. Check that the file server is on, or ask IT to check the configured share path.`);
    await page.reload();
    await waitForState(page, 'failed');
    await page.getByRole('button', { name: 'Retry' }).waitFor();
    await page.getByRole('button', { name: '切换到中文' }).click();

    // IT fixes the share (the release folder appears under the configured name), the nurse clicks 重试.
    await fsp.rename(scenario.shareDir, missing);
    await page.getByRole('button', { name: '重试' }).click();
    await waitForState(page, 'done');
    await waitForText(panel(page), '已更新到 2.0.0', { contains: true });
    expect(await installState(scenario)).toBe('new');
    await fsp.rm(root, { recursive: true, force: true });
  });

  it('asks to close a really running HIS, and goes on when the nurse closed it and pressed Enter', async () => {
    const exe = `hise2e${crypto.randomBytes(2).toString('hex')}.exe`;
    scenario = await createScenario({ mode: 'mirror', app: { hisProcess: { name: exe, whenRunning: 'ask' } } });
    const exePath = path.join(scenario.root, exe);
    await fsp.copyFile('/bin/sleep', exePath);
    await fsp.chmod(exePath, 0o755);
    his = spawn(exePath, ['120'], { stdio: 'ignore' });
    await new Promise((resolve, reject) => his!.once('spawn', resolve).once('error', reject));

    const { service } = await createService(scenario.configFile);
    session = await openView(browser, server.url, service, 'nurse');
    const { page } = session;
    await page.getByRole('button', { name: '检查更新' }).click();
    await page.getByRole('button', { name: '立即更新' }).click();
    await waitForState(page, 'his-prompt');
    await waitForText(panel(page).getByRole('heading'), '请先关闭 护士工作站');
    await waitForText(panel(page), `请保存工作并关闭 ${exe}`, { contains: true });
    await page.waitForFunction((label) => document.activeElement?.textContent === label, '我已关闭，继续', { timeout: 5000 });

    const exited = new Promise((resolve) => his!.once('exit', resolve));
    his.kill('SIGTERM');
    await exited;
    await page.keyboard.press('Enter');
    await waitForState(page, 'done');
    expect(await installState(scenario)).toBe('new');
  });
});
