import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Browser, chromium, Locator, Page } from 'playwright-core';
import { ROOT } from './system';

const SYSTEM_CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser'];
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--headless',
];
export const ARTIFACTS = join(ROOT, 'test-artifacts');

/**
 * `CHROMIUM_PATH` when set, else the system's Chromium, else the headless Chromium shipped inside the
 * @sparticuz/chromium npm package (unpacked to a temporary folder in seconds). Never a download.
 */
export async function chromiumExecutable(): Promise<string> {
  if (process.env.CHROMIUM_PATH) return process.env.CHROMIUM_PATH;
  const system = SYSTEM_CHROMIUM.find((path) => existsSync(path));
  if (system) return system;
  const { default: packaged } = await import('@sparticuz/chromium');
  return packaged.executablePath();
}

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: await chromiumExecutable(), headless: true, args: CHROMIUM_ARGS });
}

/** Collects what must fail a browser test: uncaught page errors and Content-Security-Policy violations. */
export function watchPage(page: Page): string[] {
  const problems: string[] = [];
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error' && /Content.Security.Policy/i.test(msg.text())) problems.push(`CSP: ${msg.text()}`);
  });
  return problems;
}

/** Saves a full-page screenshot under test-artifacts/<folder>/ and returns its path. */
export async function screenshot(page: Page, folder: string, name: string): Promise<string> {
  const dir = join(ARTIFACTS, folder);
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/*
 * playwright-core has no `expect`: these wait for a locator to reach a state, like the auto-retrying
 * assertions of @playwright/test, and fail with what was last seen.
 */
const DEFAULT_WAIT_MS = 10_000;

async function until<T>(read: () => Promise<T>, ok: (value: T) => boolean, what: string, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  let error: unknown;
  for (;;) {
    try {
      last = await read();
      if (ok(last)) return last;
    } catch (err) {
      error = err;
    }
    if (Date.now() > deadline) {
      const seen = error && last === undefined ? String(error) : JSON.stringify(last);
      throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}; last seen: ${seen}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function visible(locator: Locator, timeoutMs = DEFAULT_WAIT_MS): Promise<void> {
  await locator.first().waitFor({ state: 'visible', timeout: timeoutMs });
}

export function hasText(locator: Locator, text: string | RegExp, timeoutMs = DEFAULT_WAIT_MS): Promise<string | null> {
  const matches = (t: string | null) => t !== null && (typeof text === 'string' ? t.includes(text) : text.test(t));
  return until(() => locator.first().textContent({ timeout: 1000 }), matches, `${locator} to contain ${String(text)}`, timeoutMs);
}

export function hasAttribute(locator: Locator, name: string, value: string, timeoutMs = DEFAULT_WAIT_MS): Promise<string | null> {
  return until(
    () => locator.first().getAttribute(name, { timeout: 1000 }),
    (v) => v === value,
    `${locator} [${name}="${value}"]`,
    timeoutMs,
  );
}

export function hasCount(locator: Locator, count: number, timeoutMs = DEFAULT_WAIT_MS): Promise<number> {
  return until(
    () => locator.count(),
    (n) => n === count,
    `${count} of ${locator}`,
    timeoutMs,
  );
}
