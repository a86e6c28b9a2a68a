import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';

/**
 * Where PNGs go: docs/screenshots when HIS_SCREENSHOTS_DIR is set (scripts/screenshots.mjs does that),
 * else a temp folder, so a normal test run walks the same states without touching tracked files.
 */
export async function screenshotDir(): Promise<{ dir: string; keep: boolean; cleanup: () => Promise<void> }> {
  const wanted = process.env.HIS_SCREENSHOTS_DIR;
  if (wanted) {
    await fsp.mkdir(wanted, { recursive: true });
    return { dir: wanted, keep: true, cleanup: async () => {} };
  }
  const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'his-shots-'));
  return { dir, keep: false, cleanup: () => fsp.rm(dir, { recursive: true, force: true }) };
}

export interface LayoutReport {
  /** Elements whose text runs past their box (horizontal overflow), described as tag.class "text". */
  clipped: string[];
  /** The page is wider than the window (a horizontal scrollbar). */
  widerThanWindow: boolean;
  /** How far the content runs below the window (or the nurse window's scrolling main area), in px; 0 when it fits. */
  belowFold: number;
}

/** What a person would notice in the PNG: text cut off or pushed sideways, content under the fold. */
export async function checkLayout(page: Page): Promise<LayoutReport> {
  return page.evaluate(() => {
    const clipped: string[] = [];
    for (const el of Array.from(document.body.querySelectorAll<HTMLElement>('*'))) {
      if (el.closest('.table-wrap, .log-lines, pre, .sr-only, svg')) continue;
      const style = getComputedStyle(el);
      if (style.overflowX === 'visible' && el.scrollWidth > el.clientWidth + 1 && el.clientWidth > 0 && el.children.length === 0) {
        clipped.push(`${el.tagName.toLowerCase()}.${el.className} "${(el.textContent ?? '').slice(0, 40)}"`);
      }
    }
    const doc = document.documentElement;
    const main = document.querySelector('main');
    const hidden = Math.max(doc.scrollHeight - window.innerHeight, main ? main.scrollHeight - main.clientHeight : 0);
    return { clipped, widerThanWindow: doc.scrollWidth > window.innerWidth, belowFold: Math.max(0, hidden) };
  });
}

/** A PNG of what the window shows (or the whole scrolled page), animations frozen so the spinner does not blur. */
export async function shoot(page: Page, dir: string, name: string, options: { fullPage?: boolean } = {}): Promise<string> {
  const file = path.join(dir, `${name}.png`);
  await page.mouse.move(0, 0); // no hover highlight on the button just clicked
  await page.evaluate(() => document.fonts.ready);
  await page.screenshot({ path: file, animations: 'disabled', caret: 'hide', fullPage: options.fullPage ?? false });
  return file;
}
