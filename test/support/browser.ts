import { existsSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core';

/**
 * Headless Chromium for page tests (ARCHITECTURE §7): Debian's `chromium` package driven by playwright-core.
 * No browser download: the executable is the system one (CHROMIUM_PATH overrides the path).
 */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Without the background-networking flags Chromium calls Google at start, which a closed network refuses. */
export const CHROMIUM_ARGS = [
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
] as const;

export const SCREENSHOT_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../test-results/screenshots');

export const PHONE = { width: 390, height: 844 } as const;
export const LAPTOP = { width: 1280, height: 800 } as const;

/**
 * Launches Chromium. A missing browser is a failure, not a skip: CI installs the package, and a page test
 * that silently does nothing would hide a broken page.
 */
export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `Chromium is missing: no executable at ${CHROMIUM_PATH}. The browser tests need Debian's chromium package ` +
        '(apt-get install chromium), or set CHROMIUM_PATH to a Chromium binary.',
    );
  }
  // launch() gives every browser a fresh temporary profile (user-data-dir), removed again on close.
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: [...CHROMIUM_ARGS] });
}

/** A page and what went wrong on it: console errors and uncaught page errors, collected from the start. */
export interface WatchedPage {
  page: Page;
  context: BrowserContext;
  consoleErrors: string[];
  pageErrors: string[];
  /** Console errors and page errors together, one line each; `[]` on a clean page. */
  problems(): string[];
  close(): Promise<void>;
}

export async function openPage(browser: Browser, options: BrowserContextOptions = {}): Promise<WatchedPage> {
  const context = await browser.newContext({ locale: 'zh-CN', timezoneId: 'Asia/Shanghai', ...options });
  const page = await context.newPage();
  const consoleErrors: string[] = [];
  const pageErrors: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') {
      const loc = msg.location();
      consoleErrors.push(`${msg.text()}${loc.url ? ` (${loc.url}:${loc.lineNumber})` : ''}`);
    }
  });
  page.on('pageerror', (err) => pageErrors.push(err.stack ?? err.message));
  return {
    page,
    context,
    consoleErrors,
    pageErrors,
    problems: () => [...consoleErrors.map((e) => `console: ${e}`), ...pageErrors.map((e) => `pageerror: ${e}`)],
    close: () => context.close(),
  };
}

/**
 * Screenshot into test-results/screenshots/<name>.png (git-ignored); returns the path. By default what the
 * screen shows (a chat pins its composer to the screen's bottom, which a full-page capture misplaces).
 */
export async function screenshot(page: Page, name: string, opts: { fullPage?: boolean } = {}): Promise<string> {
  if (!/^[A-Za-z0-9._-]+$/.test(name)) throw new Error(`screenshot name must be a plain file name, got ${JSON.stringify(name)}`);
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const path = resolve(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path, fullPage: opts.fullPage ?? false });
  return path;
}
