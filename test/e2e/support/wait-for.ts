import type { Locator } from 'playwright-core';

/** playwright-core has no auto-retrying matchers: poll a locator's text until it matches or the time is up. */
export async function waitForText(locator: Locator, expected: string | RegExp, options: { contains?: boolean; timeoutMs?: number } = {}): Promise<string> {
  const deadline = Date.now() + (options.timeoutMs ?? 10_000);
  let last = '';
  for (;;) {
    last = await locator.innerText({ timeout: Math.max(1, deadline - Date.now()) }).catch(() => last);
    const text = last.trim();
    const ok = typeof expected === 'string' ? (options.contains ? text.includes(expected) : text === expected) : expected.test(text);
    if (ok) return text;
    if (Date.now() > deadline) throw new Error(`text of ${String(locator)} never matched ${String(expected)}; last: ${JSON.stringify(text)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
