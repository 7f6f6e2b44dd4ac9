// Keyboard journeys, with Tab, Shift+Tab, Enter and Space only: no clicks, no filling.
// Wherever focus lands, it must be visible.

import test from 'node:test';
import assert from 'node:assert/strict';
import { LANGS, launch, newContext, server } from './lib/browser.mjs';
import { Keys } from './lib/keys.mjs';

const { base, password, accounts } = server();
const admin = accounts.admin;

const value = (page, selector) => page.$eval(selector, (el) => el.value);

/** Signs in from the sign-in page by keyboard alone, through the skip link. */
async function signInByKeyboard(page, keys, lang) {
  await page.goto(`${base}/staff/login`);
  let f = await keys.press('Tab');
  assert.ok(f.className.includes('skip-link') && f.href === '#main', `the first Tab stop is the skip link, not ${f.describe}`);
  f = await keys.moveTo('Enter', 'main#main', 'Enter on the skip link');
  assert.equal(f.tag, 'main');
  f = await keys.press('Tab');
  assert.equal(f.id, 'email', 'after the skip link, the next stop is the first field of the form');
  await keys.type(admin.email);
  f = await keys.press('Tab');
  assert.equal(f.id, 'password');
  await keys.type(password);
  f = await keys.press('Shift+Tab');
  assert.equal(f.id, 'email', 'Shift+Tab goes back to the email field');
  assert.equal(await value(page, '#email'), admin.email);
  f = await keys.press('Tab');
  assert.equal(f.id, 'password');
  f = await keys.press('Tab');
  assert.equal(f.tag, 'button');
  const response = await keys.submit('Enter');
  assert.equal(response.status(), 200);
  assert.equal(page.url(), `${base}/staff`, `signed in as ${lang} lands on the dashboard`);
  assert.match(await page.textContent('h1'), new RegExp(admin.displayName));
}

for (const lang of LANGS) {
  test(`[${lang}] sign in with the keyboard alone`, async (t) => {
    const browser = await launch();
    t.after(() => browser.close());
    const page = await (await newContext(browser, base, lang)).newPage();
    const keys = new Keys(page);
    await signInByKeyboard(page, keys, lang);
  });

  test(`[${lang}] a rejected sign-in puts focus on the error summary, whose links reach the fields`, async (t) => {
    const browser = await launch();
    t.after(() => browser.close());
    const page = await (await newContext(browser, base, lang)).newPage();
    const keys = new Keys(page);
    await page.goto(`${base}/staff/login`);

    // Nothing typed: both fields are refused.
    await keys.tabTo((f) => f.id === 'email', 'the email field');
    assert.equal((await keys.press('Tab')).id, 'password');
    assert.equal((await keys.press('Tab')).tag, 'button');
    let response = await keys.submit('Space');
    assert.equal(response.status(), 422);
    await page.waitForFunction(() => document.activeElement?.classList.contains('error-summary'));
    let f = await keys.landed('the rejected page loading');
    assert.ok(f.className.includes('error-summary'), `focus starts on the error summary, not ${f.describe}`);
    assert.match(await page.title(), /2/, 'the title starts with the number of errors');

    f = await keys.press('Tab');
    assert.equal(f.href, '#email');
    f = await keys.moveTo('Enter', 'input#email', 'Enter on the summary link to the email field');
    f = await keys.press('Shift+Tab');
    assert.equal(f.href, '#password', 'Shift+Tab from the first field goes back to the last summary link');
    f = await keys.moveTo('Enter', 'input#password', 'Enter on the summary link to the password field');

    // An address that has no account and a wrong password: refused as one error on the email.
    // (Never a real account's address: ten failures would lock it for fifteen minutes.)
    f = await keys.press('Shift+Tab');
    assert.equal(f.id, 'email');
    await keys.type('nobody@example.jp');
    assert.equal((await keys.press('Tab')).id, 'password');
    await keys.type('not the right password at all');
    assert.equal((await keys.press('Tab')).tag, 'button');
    response = await keys.submit('Enter');
    assert.equal(response.status(), 422);
    await page.waitForFunction(() => document.activeElement?.classList.contains('error-summary'));
    await keys.landed('the rejected page loading');
    assert.equal(await page.locator('.error-summary a').count(), 1);
    f = await keys.press('Tab');
    assert.equal(f.href, '#email');
    await keys.moveTo('Enter', 'input#email', 'Enter on the summary link');
    assert.equal(await value(page, '#email'), 'nobody@example.jp', 'what was typed is kept');
    assert.equal(await value(page, '#password'), '', 'the password is never sent back');
  });

  test(`[${lang}] sign out with the keyboard alone`, async (t) => {
    const browser = await launch();
    t.after(() => browser.close());
    const page = await (await newContext(browser, base, lang)).newPage();
    const keys = new Keys(page);
    await signInByKeyboard(page, keys, lang);

    const f = await keys.tabTo(
      (f) => f.tag === 'button' && f.form === '/staff/logout',
      'the sign-out button',
    );
    assert.ok(f.text.length > 0);
    const response = await keys.submit('Space');
    assert.equal(response.status(), 200);
    assert.equal(page.url(), `${base}/staff/login?signed_out=1`);
    assert.equal(await page.locator('.banner--success').count(), 1, 'a banner says you are signed out');
    await page.goto(`${base}/staff`);
    assert.match(page.url(), /\/staff\/login\?next=/, 'the session has ended');
  });
}
