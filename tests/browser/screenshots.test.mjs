// Pictures for a person to look at: the start page, the admin's dashboard and the proxy's
// portal, and the pages of support requests (the topic question, the lost-card page, the
// thread just after sending, the staff queue), wide and at 320 px, in each language, saved
// in out/; and the public ones again with the largest text and the high-contrast colours.

import test from 'node:test';
import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { DESKTOP, LANGS, OUT, launch, newContext, server, setPreferences, signIn } from './lib/browser.mjs';
import { LARGEST_TEXT, shownPreference } from './lib/checks.mjs';
import { visitorRequest } from './lib/seed.mjs';

const { base, password, accounts } = server();
const WIDTHS = [DESKTOP.width, 320];

async function shoot(page, name) {
  for (const width of WIDTHS) {
    await page.setViewportSize({ width, height: width === 320 ? 640 : DESKTOP.height });
    const path = join(OUT, `${name}-${width}.png`);
    await page.screenshot({ path, fullPage: true });
    assert.ok(statSync(path).size > 5000, `${path} is nearly empty`);
  }
}

test('screenshots of the start page, the staff dashboard and the proxy portal', async (t) => {
  const browser = await launch();
  t.after(() => browser.close());
  for (const lang of LANGS) {
    const visitor = await newContext(browser, base, lang);
    const page = await visitor.newPage();
    await page.goto(`${base}/`);
    await shoot(page, `start-${lang}`);
    await visitor.close();

    const staff = await newContext(browser, base, lang);
    await signIn(staff, base, accounts.admin, password);
    const dashboard = await staff.newPage();
    await dashboard.goto(`${base}/staff`);
    await shoot(dashboard, `dashboard-admin-${lang}`);
    await staff.close();

    const proxy = await newContext(browser, base, lang);
    await signIn(proxy, base, accounts.proxy, password);
    const portal = await proxy.newPage();
    await portal.goto(`${base}/proxy`);
    await shoot(portal, `portal-proxy-${lang}`);
    await proxy.close();
  }
});

/** A request to show, sent by a visitor to be answered in a written-chat session: its thread's path. */
async function sentRequest(browser) {
  const sender = await newContext(browser, base, 'ja');
  const { thread } = await visitorRequest(await sender.newPage(), base);
  await sender.close();
  return thread;
}

test('screenshots of the pages of support requests', async (t) => {
  const browser = await launch();
  t.after(() => browser.close());
  const thread = await sentRequest(browser);
  for (const lang of LANGS) {
    const visitor = await newContext(browser, base, lang);
    const page = await visitor.newPage();
    for (const [path, name] of [
      ['/requests/new/topic', 'request-topic'],
      ['/requests/new/lost-card', 'request-lost-card'],
      [`${thread}?sent=1`, 'request-sent'],
    ]) {
      await page.goto(`${base}${path}`);
      await shoot(page, `${name}-${lang}`);
    }
    await visitor.close();

    const staff = await newContext(browser, base, lang);
    await signIn(staff, base, accounts.admin, password);
    const queue = await staff.newPage();
    await queue.goto(`${base}/staff/requests`);
    await shoot(queue, `staff-requests-${lang}`);
    await staff.close();
  }
});

test('screenshots of the public pages with the largest text and the high-contrast colours', async (t) => {
  const browser = await launch();
  t.after(() => browser.close());
  const thread = await sentRequest(browser);
  for (const lang of LANGS) {
    for (const [who, pages] of [
      ['visitor', [['/', 'start'], ['/requests/new/topic', 'request-topic'], [thread, 'request-thread']]],
      ['proxy', [['/proxy', 'portal-proxy']]],
    ]) {
      const context = await newContext(browser, base, lang);
      await setPreferences(context, base, { textSize: LARGEST_TEXT, contrast: 'high' });
      if (who === 'proxy') await signIn(context, base, accounts.proxy, password);
      const page = await context.newPage();
      for (const [path, name] of pages) {
        await page.goto(`${base}${path}`);
        assert.deepEqual(await shownPreference(page), { textSize: LARGEST_TEXT, contrast: 'high' });
        await shoot(page, `${name}-larger-high-${lang}`);
      }
      await context.close();
    }
  }
});
