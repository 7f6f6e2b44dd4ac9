// Debian's Chromium, driven by playwright-core, and what the tests need to know about the
// Yorisoi server that `./run` started for them.

import { chromium } from 'playwright-core';
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, copyFileSync, mkdirSync, mkdtempSync, openSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const EXECUTABLE = '/usr/bin/chromium';

// Without the network switches Debian's Chromium spends its start trying to reach the
// network, which this machine has none of. V8 compiles every function it runs to baseline
// code at once (Sparkplug): axe-core, put into every page afresh, otherwise starts each page
// in the interpreter, and its first run on a page took about a seventh longer.
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--js-flags=--always-sparkplug',
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

/**
 * Copies of the server under test, one for each of `names`, each serving a copy of the
 * database as it is at this call: checks that run side by side on them cannot see each
 * other's changes, and each sees the same data whenever it starts. `start(name)` starts that
 * name's copy and gives its base URL and a `stop()`. Needs what `./run` puts in the
 * environment (the binary, the database file and a scratch folder); without it, returns
 * null and the caller shares the one server.
 */
export function serverCopies(names) {
  const bin = process.env.YORISOI_TEST_BIN;
  const database = process.env.YORISOI_TEST_DATABASE;
  const work = process.env.YORISOI_TEST_WORK;
  if (!bin || !database || !work) return null;
  const dir = mkdtempSync(join(work, 'copies-'));
  const logs = join(OUT, 'servers');
  mkdirSync(logs, { recursive: true });
  // SQLite's own backup: a consistent copy even while the server is running.
  const snapshot = join(dir, 'snapshot.db');
  const r = spawnSync('sqlite3', [database, `.backup '${snapshot}'`], { encoding: 'utf8' });
  if (r.error || r.status !== 0) throw new Error(`could not copy the database: ${r.error?.message ?? r.stderr}`);
  const files = new Map();
  for (const name of names) {
    const slug = name.replace(/[^a-z0-9]+/gi, '-');
    const file = join(dir, `${slug}.db`);
    copyFileSync(snapshot, file);
    files.set(name, { file, slug });
  }

  const start = async (name) => {
    const { file, slug } = files.get(name);
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const log = join(logs, `${slug}.log`);
    const fd = openSync(log, 'w');
    const child = spawn(bin, ['serve'], {
      env: {
        ...process.env,
        DATABASE_URL: `sqlite://${file}`,
        YORISOI_BIND: `127.0.0.1:${port}`,
        YORISOI_BASE_URL: base,
        MAIL_DIR: join(dir, `${slug}-mail`),
      },
      stdio: ['ignore', fd, fd],
    });
    closeSync(fd);
    const kill = () => child.kill();
    process.on('exit', kill);
    const exited = new Promise((resolve) => child.once('exit', resolve));
    const stop = async () => {
      process.off('exit', kill);
      if (child.exitCode === null && child.signalCode === null) child.kill();
      await exited;
    };
    for (let i = 0; ; i++) {
      if (child.exitCode !== null || child.signalCode !== null) {
        throw new Error(`the copy of the server for ${name} stopped at start-up:\n${readFileSync(log, 'utf8')}`);
      }
      try {
        if ((await fetch(`${base}/healthz`)).ok) break;
      } catch {
        // Not listening yet.
      }
      if (i >= 100) {
        await stop();
        throw new Error(`the copy of the server for ${name} did not answer:\n${readFileSync(log, 'utf8')}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return { base, stop };
  };
  return { start };
}

function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
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

/** Sets the display-preferences cookie as saving `/preferences` would: `{textSize}.{contrast}`. */
export async function setPreferences(context, base, { textSize, contrast }) {
  await context.addCookies([{ name: 'yorisoi_prefs', value: `${textSize}.${contrast}`, url: base, httpOnly: true, sameSite: 'Lax' }]);
}

/** Where an account signs in and starts: `/staff` for staff, `/proxy` for the demo proxy. */
export const homeOf = (account) => account.home ?? '/staff';

/**
 * Signs a context in through the sign-in form of the account's door (`/staff/login` or
 * `/proxy/login`). This is test set-up, not part of the crawl: the crawler itself only ever
 * submits the sign-in forms empty.
 */
export async function signIn(context, base, account, password) {
  const home = homeOf(account);
  const page = await context.newPage();
  await page.goto(`${base}${home}/login`);
  await page.fill('#email', account.email);
  await page.fill('#password', password);
  await Promise.all([page.waitForURL(`${base}${home}`), page.click('main form button[type="submit"]')]);
  await page.close();
}
