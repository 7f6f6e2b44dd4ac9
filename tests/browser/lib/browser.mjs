// Debian's Chromium, driven by playwright-core, and what the tests need to know about the
// Yorisoi server that `./run` started for them.

import { chromium } from 'playwright-core';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const EXECUTABLE = '/usr/bin/chromium';

// Without the network switches Debian's Chromium spends its start trying to reach the
// network, which this machine has none of.
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export const LANGS = ['ja', 'en'];
export const ROLES = ['admin', 'supervisor', 'coordinator', 'interpreter'];
export const DESKTOP = { width: 1280, height: 900 };
export const NARROW = { width: 320, height: 640 };

export const HERE = join(dirname(fileURLToPath(import.meta.url)), '..');
export const OUT = process.env.YORISOI_TEST_OUT || join(HERE, 'out');
mkdirSync(OUT, { recursive: true });

export function launch() {
  return chromium.launch({ executablePath: EXECUTABLE, headless: true, args: CHROMIUM_ARGS });
}

/** The server under test, as `./run` describes it in the environment. */
export function server() {
  const base = process.env.YORISOI_TEST_BASE_URL;
  const password = process.env.YORISOI_TEST_PASSWORD;
  const accounts = JSON.parse(process.env.YORISOI_TEST_ACCOUNTS || 'null');
  if (!base || !password || !accounts) {
    throw new Error('no server to test: run these checks with tests/browser/run, which starts one');
  }
  return { base, password, accounts };
}

/** A fresh browser context (no cookies) that shows pages in `lang`. */
export async function newContext(browser, base, lang, viewport = DESKTOP) {
  const context = await browser.newContext({ viewport, reducedMotion: 'reduce' });
  await setLanguage(context, base, lang);
  return context;
}

/** Sets the language cookie the app reads, as `/language/{code}` would. */
export async function setLanguage(context, base, lang) {
  await context.addCookies([{ name: 'yorisoi_lang', value: lang, url: base, httpOnly: true, sameSite: 'Lax' }]);
}

/**
 * Signs a context in through the sign-in form. This is test set-up, not part of the crawl:
 * the crawler itself only ever submits the sign-in form empty.
 */
export async function signIn(context, base, account, password) {
  const page = await context.newPage();
  await page.goto(`${base}/staff/login`);
  await page.fill('#email', account.email);
  await page.fill('#password', password);
  await Promise.all([page.waitForURL(`${base}/staff`), page.click('main form button[type="submit"]')]);
  await page.close();
}
