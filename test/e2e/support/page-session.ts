import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { AgentService } from '../../../src/main/service/agent-service';
import { attachEngine, type EngineBridge } from './engine-bridge';

export interface PageSession {
  page: Page;
  context: BrowserContext;
  bridge: EngineBridge;
  /** Console errors, page errors and CSP violations seen so far: a clean page has none. */
  problems: string[];
  close(): Promise<void>;
}

/** The content area of the Electron nurse window (windows.ts: 460 x 420 content, useContentSize). */
export const NURSE_VIEWPORT = { width: 460, height: 420 };
export const STATUS_VIEWPORT = { width: 1100, height: 800 };

/** A fresh browser context (own localStorage) with the real engine behind `window.hisUpdate`. */
export async function openView(browser: Browser, url: string, service: AgentService, view: 'nurse' | 'status', query = ''): Promise<PageSession> {
  const context = await browser.newContext({ viewport: view === 'nurse' ? NURSE_VIEWPORT : STATUS_VIEWPORT, locale: 'zh-CN', deviceScaleFactor: 1 });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`));
  });
  const bridge = await attachEngine(page, service);
  await page.goto(`${url}?view=${view}${query}`);
  return {
    page,
    context,
    bridge,
    problems,
    close: async () => {
      bridge.dispose();
      await context.close();
    },
  };
}
