// Senior Support with the keyboard alone (Tab, Shift+Tab, Enter, Space and typing): the
// whole proxy application, from its start page to the confirmation with its P- reference,
// with one rejected answer on the way; the demo proxy signing in, opening the customer they
// act for and booking a session for them, to the confirmation; and a customer asking for a
// registration to end. Every page on the way gets the same checks as the crawl (axe-core,
// structure, labels, reflow at 320 px) and, at the end, the Nu HTML Checker: the crawler
// cannot reach these pages, as they need answers it never gives.

import test from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { LANGS, OUT, launch, newContext, server } from './lib/browser.mjs';
import { HtmlStore, checkPage } from './lib/crawl.mjs';
import { addAxe, vnuErrors } from './lib/checks.mjs';
import { Keys } from './lib/keys.mjs';

const { base, password, accounts } = server();
const proxy = accounts.proxy;
const htmlDir = join(OUT, 'proxy-html');
rmSync(htmlDir, { recursive: true, force: true });
mkdirSync(htmlDir, { recursive: true });
const store = new HtmlStore(htmlDir);

/** Checks the page now shown and keeps its HTML for the Nu HTML Checker. */
async function checked(page, lang, label, response) {
  if (response) store.save(`[proxy/${lang}] ${label}`, await response.text());
  // Every page of this journey is public (a visitor's, a customer's or a proxy's).
  const problems = await checkPage(page, lang, { publicPage: true });
  assert.deepEqual(problems, [], `${label}\n  - ${problems.join('\n  - ')}`);
}

const pathname = (page) => new URL(page.url()).pathname;
const value = (page, selector) => page.$eval(selector, (el) => el.value);

/** Presses Tab to the field named `name`, checking every stop on the way, and types `text`. */
async function fill(keys, name, text) {
  await keys.tabTo((f) => f.name === name, `the field ${name}`);
  if (text) await keys.type(text);
}

/** Presses Tab to the form's button and Enter; the page that loads must be `next`. */
async function proceed(page, keys, lang, next) {
  await keys.tabTo((f) => f.tag === 'button' && f.type === 'submit' && f.form !== '/proxy/logout', 'Continue');
  const response = await keys.submit('Enter');
  assert.equal(pathname(page), next, `Continue leads to ${next}`);
  await checked(page, lang, `GET ${next}`, response);
  return response;
}

// The application, for the demo customer (a second proxy, her grandson), the same in both
// languages: the kana are asked for whatever language the form is shown in.
const APPLICATION = {
  principal_full_name: '山田 花子',
  principal_kana: 'やまだ はなこ',
  birth: { year: '1941', month: '3', day: '9' },
  principal_address: '〒100-0001 東京都千代田区千代田1-1',
  principal_member_number: 'DEMO1234',
  proxy_full_name: '山田 三郎',
  proxy_kana: 'やまだ さぶろう',
  proxy_address: '〒150-0001 東京都渋谷区神宮前1-1',
};

for (const lang of LANGS) {
  test(`[${lang}] apply to be a proxy with the keyboard alone`, { timeout: 120_000 }, async (t) => {
    const browser = await launch();
    t.after(() => browser.close());
    const context = await newContext(browser, base, lang);
    await addAxe(context);
    const page = await context.newPage();
    const keys = new Keys(page);
    const a = APPLICATION;

    let response = await page.goto(`${base}/proxy/apply`);
    await checked(page, lang, 'GET /proxy/apply', response);
    await keys.tabTo((f) => f.href === '/proxy/apply/customer-name', 'the start button');
    response = await keys.submit('Enter');
    assert.equal(pathname(page), '/proxy/apply/customer-name');
    await checked(page, lang, 'GET /proxy/apply/customer-name', response);

    // 1. The customer's name, with the kana typed in kanji: refused.
    await fill(keys, 'principal_full_name', a.principal_full_name);
    assert.equal((await keys.press('Tab')).id, 'principal_kana', 'the kana come next');
    await keys.type('山田');
    assert.equal((await keys.press('Tab')).tag, 'button');
    response = await keys.submit('Enter');
    assert.equal(response.status(), 422);
    await page.waitForFunction(() => document.activeElement?.classList.contains('error-summary'));
    let f = await keys.landed('the rejected page loading');
    assert.ok(f.className.includes('error-summary'), `focus starts on the error summary, not ${f.describe}`);
    await checked(page, lang, 'POST /proxy/apply/customer-name (kana in kanji)', response);
    assert.match(await page.title(), /1/, 'the title starts with the number of errors');
    assert.equal(await page.locator('.error-summary a').count(), 1, 'only the kana are refused');
    f = await keys.press('Tab');
    assert.equal(f.href, '#principal_kana');
    await keys.moveTo('Enter', 'input#principal_kana', 'Enter on the summary link to the kana');
    assert.equal(await value(page, '#principal_full_name'), a.principal_full_name, 'the name typed is kept');
    assert.equal(await value(page, '#principal_kana'), '山田', 'the refused kana are shown again');
    // Typed again over what was refused.
    await page.keyboard.press('ControlOrMeta+A');
    await keys.type(a.principal_kana);
    assert.equal((await keys.press('Tab')).tag, 'button');
    response = await keys.submit('Enter');
    assert.equal(pathname(page), '/proxy/apply/customer-birth');
    await checked(page, lang, 'GET /proxy/apply/customer-birth', response);

    // 2. The date of birth: three fields, in the order the language writes a date.
    const order = lang === 'ja' ? ['year', 'month', 'day'] : ['day', 'month', 'year'];
    f = await keys.tabTo((f) => f.id === 'birth', 'the first date field');
    assert.equal(f.name, `birth-${order[0]}`);
    await keys.type(a.birth[order[0]]);
    for (const part of order.slice(1)) {
      assert.equal((await keys.press('Tab')).name, `birth-${part}`);
      await keys.type(a.birth[part]);
    }
    await proceed(page, keys, lang, '/proxy/apply/customer-address');

    // 3. The customer's postal address.
    await fill(keys, 'principal_address', a.principal_address);
    await proceed(page, keys, lang, '/proxy/apply/customer-contact');

    // 4. Member number and email, both optional: the email left empty.
    await fill(keys, 'principal_member_number', a.principal_member_number);
    assert.equal((await keys.press('Tab')).id, 'principal_email');
    await proceed(page, keys, lang, '/proxy/apply/proxy-name');

    // 5. The proxy's name and kana.
    await fill(keys, 'proxy_full_name', a.proxy_full_name);
    assert.equal((await keys.press('Tab')).id, 'proxy_kana');
    await keys.type(a.proxy_kana);
    await proceed(page, keys, lang, '/proxy/apply/relationship');

    // 6. Who they are to the customer: the first radio, chosen with Space.
    await keys.tabTo((f) => f.name === 'relationship', 'the first relationship');
    await keys.press('Space');
    assert.ok(await page.isChecked('#relationship'));
    await proceed(page, keys, lang, '/proxy/apply/proxy-contact');

    // 7. The proxy's email and address.
    const email = `proxy-${lang}-${Date.now()}@example.jp`;
    await fill(keys, 'proxy_email', email);
    assert.equal((await keys.press('Tab')).id, 'proxy_address');
    await keys.type(a.proxy_address);
    await proceed(page, keys, lang, '/proxy/apply/scope');

    // 8. What the proxy may do: two boxes ticked with Space.
    await keys.tabTo((f) => f.name === 'scope', 'the first scope');
    await keys.press('Space');
    f = await keys.press('Tab');
    assert.equal(f.name, 'scope', 'Tab goes on to the next box');
    await keys.press('Space');
    assert.deepEqual(
      await page.$$eval('input[name="scope"]', (els) => els.map((el) => el.checked)),
      [true, true, false],
    );
    await proceed(page, keys, lang, '/proxy/apply/consent');

    // 9. How the customer's consent is confirmed.
    await keys.tabTo((f) => f.name === 'consent_method', 'the first way');
    await keys.press('Space');
    assert.ok(await page.isChecked('#consent_method'));
    await proceed(page, keys, lang, '/proxy/apply/declaration');

    // 10. The declaration.
    await keys.tabTo((f) => f.name === 'declaration', 'the declaration box');
    await keys.press('Space');
    assert.ok(await page.isChecked('#declaration'));
    await proceed(page, keys, lang, '/proxy/apply/check');
    const answers = await page.textContent('main');
    // The date of birth is written the page language's way.
    const born = lang === 'ja' ? '1941年3月9日' : '9 Mar 1941';
    for (const typed of [a.principal_full_name, a.principal_kana, born, a.principal_member_number, a.proxy_kana, email]) {
      assert.ok(answers.includes(typed), `the check page shows ${typed}`);
    }

    // Send, with Space this time.
    await keys.tabTo((f) => f.tag === 'button' && f.form === '/proxy/apply/check', 'the send button', 80);
    response = await keys.submit('Space');
    assert.equal(pathname(page), '/proxy/apply/confirmation');
    await checked(page, lang, 'GET /proxy/apply/confirmation', response);
    const reference = (await page.textContent('.panel strong')).trim();
    assert.match(reference, /^P-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
  });

  test(`[${lang}] the proxy books a session for their customer with the keyboard alone`, { timeout: 120_000 }, async (t) => {
    const browser = await launch();
    t.after(() => browser.close());
    const context = await newContext(browser, base, lang);
    await addAxe(context);
    const page = await context.newPage();
    const keys = new Keys(page);
    const customer = '山田 花子';

    // Signing in at the proxies' own door.
    let response = await page.goto(`${base}/proxy/login`);
    await checked(page, lang, 'GET /proxy/login', response);
    let f = await keys.tabTo((f) => f.id === 'email', 'the email field');
    await keys.type(proxy.email);
    assert.equal((await keys.press('Tab')).id, 'password');
    await keys.type(password);
    assert.equal((await keys.press('Tab')).tag, 'button');
    response = await keys.submit('Enter');
    assert.equal(page.url(), `${base}/proxy`, 'signed in, the proxy lands on the portal');
    await checked(page, lang, 'GET /proxy', response);
    assert.ok((await page.textContent('nav.staff-nav')).includes(proxy.displayName), 'the menu names the proxy');

    // The customer they act for.
    f = await keys.tabTo((f) => /^\/proxy\/customers\/\d+$/.test(f.href ?? '') && f.text === customer, `the link to ${customer}`);
    const home = f.href;
    response = await keys.submit('Enter');
    assert.equal(pathname(page), home);
    await checked(page, lang, 'GET /proxy/customers/{id}', response);
    assert.equal((await page.textContent('h1')).trim(), customer);

    f = await keys.tabTo((f) => f.tag === 'button' && f.form === `${home}/book`, 'Book a session for them');
    response = await keys.submit('Enter');
    assert.equal(pathname(page), '/book/mode');
    await checked(page, lang, 'GET /book/mode (for a customer)', response);
    assert.ok((await page.textContent('.acting-for')).includes(customer), 'a banner says whom the booking is for');

    // As the public journey goes (booking.test.mjs), with the banner on every question.
    const banner = async () => assert.ok((await page.textContent('.acting-for')).includes(customer), `the banner is on ${pathname(page)}`);
    await keys.tabTo((f) => f.name === 'mode', 'the first kind of session');
    await keys.press('Space');
    assert.ok(await page.isChecked('#mode'));
    await proceed(page, keys, lang, '/book/day');
    await banner();

    await keys.tabTo((f) => f.name === 'day', 'the first day offered');
    await keys.press('Space');
    await proceed(page, keys, lang, '/book/time');
    await banner();

    await keys.tabTo((f) => f.name === 'start', 'the first time offered');
    await keys.press('Space');
    await proceed(page, keys, lang, '/book/details');
    await banner();

    // The details come filled in: the customer's name and member number, the proxy's email.
    assert.equal(await value(page, '#name'), customer);
    assert.equal(await value(page, '#email'), proxy.email);
    assert.equal(await value(page, '#member_number'), 'DEMO1234');
    await keys.tabTo((f) => f.id === 'name', 'the name');
    assert.equal((await keys.press('Tab')).id, 'email');
    assert.equal((await keys.press('Tab')).id, 'member_number');
    f = await keys.press('Tab');
    assert.equal(f.name, 'topic', 'the topic question comes next');
    await keys.press('Space');
    assert.equal((await keys.press('Tab')).id, 'topic_other');
    f = await keys.press('Tab');
    assert.equal(f.name, 'sign_language');
    await keys.press('Space');
    assert.equal((await keys.press('Tab')).id, 'sign_language_other');
    assert.equal((await keys.press('Tab')).id, 'needs');
    await keys.type(lang === 'ja' ? '母の代わりに予約します。' : 'Booking for my mother.');
    await proceed(page, keys, lang, '/book/check');
    await banner();
    const answers = await page.textContent('main');
    assert.ok(answers.includes(customer) && answers.includes(proxy.email), 'the answers are shown to check');

    await keys.tabTo((f) => f.tag === 'button' && f.form === '/book/check', 'the confirm button', 80);
    response = await keys.submit('Enter');
    assert.equal(pathname(page), '/book/confirmation');
    await checked(page, lang, 'GET /book/confirmation (for a customer)', response);
    const reference = (await page.textContent('.panel strong')).trim();
    assert.match(reference, /^S-[0-9A-Z]{4}-[0-9A-Z]{4}$/);

    // The session is listed on the customer's page, where the proxy can open it.
    response = await page.goto(`${base}${home}`);
    await checked(page, lang, 'GET /proxy/customers/{id} (with sessions)', response);
    assert.ok((await page.textContent('main table')).includes(reference), 'the new session is listed');
    // Each session's button says which one it opens (its reference, for screen readers).
    const manages = (f) => f.tag === 'button' && /\/sessions\/\d+\/manage$/.test(f.form ?? '');
    const names = () => page.evaluate(() => document.activeElement.textContent);
    await keys.tabTo(manages, 'the first button to manage a session', 60);
    while (!(await names()).includes(reference)) await keys.tabTo(manages, `the button to manage ${reference}`, 10);
    response = await keys.submit('Enter');
    assert.match(pathname(page), /^\/bookings\/[0-9a-f]{64}$/);
    await checked(page, lang, 'GET /bookings/{token} (opened by the proxy)', response);
    assert.ok((await page.textContent('main')).includes(reference));
  });
}

for (const lang of LANGS) {
  // The crawler never sends this form (its action ends in "revoke"), so its error state and
  // the page after it are checked here.
  test(`[${lang}] a customer asks for a registration to end, with the keyboard alone`, { timeout: 60_000 }, async (t) => {
    const browser = await launch();
    t.after(() => browser.close());
    const context = await newContext(browser, base, lang);
    await addAxe(context);
    const page = await context.newPage();
    const keys = new Keys(page);

    await page.goto(`${base}/proxy/apply`);
    await keys.tabTo((f) => f.href === '/proxy/revoke', 'the link to end a registration', 60);
    let response = await keys.submit('Enter');
    assert.equal(pathname(page), '/proxy/revoke');
    await checked(page, lang, 'GET /proxy/revoke', response);

    // Sent empty: the reference, the name and the date of birth are refused.
    await keys.tabTo((f) => f.tag === 'button' && f.form === '/proxy/revoke', 'the send button');
    response = await keys.submit('Enter');
    assert.equal(response.status(), 422);
    await page.waitForFunction(() => document.activeElement?.classList.contains('error-summary'));
    let f = await keys.landed('the rejected page loading');
    assert.ok(f.className.includes('error-summary'), `focus starts on the error summary, not ${f.describe}`);
    await checked(page, lang, 'POST /proxy/revoke (empty)', response);
    assert.equal(await page.locator('.error-summary a').count(), 3);
    f = await keys.press('Tab');
    assert.equal(f.href, '#reference');
    await keys.moveTo('Enter', 'input#reference', 'Enter on the summary link to the reference');
    await keys.type('P-ABCD-EFGH');
    assert.equal((await keys.press('Tab')).id, 'name');
    await keys.type('山田 花子');
    const order = lang === 'ja' ? ['year', 'month', 'day'] : ['day', 'month', 'year'];
    const birth = { year: '1941', month: '3', day: '9' };
    for (const part of order) {
      assert.equal((await keys.press('Tab')).name, `birth-${part}`);
      await keys.type(birth[part]);
    }
    assert.equal((await keys.press('Tab')).id, 'note');
    assert.equal((await keys.press('Tab')).tag, 'button');
    response = await keys.submit('Enter');
    assert.equal(pathname(page), '/proxy/revoke/sent');
    await checked(page, lang, 'GET /proxy/revoke/sent', response);
    assert.match((await page.textContent('.panel strong')).trim(), /^E-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
  });
}

test('Nu HTML Checker finds no errors in the proxy journey pages', () => {
  const errors = vnuErrors(htmlDir).map((line) => `${store.labelFor(line)}: ${line.replace(/^"[^"]*"/, '')}`);
  assert.deepEqual(errors, [], `\n  - ${errors.join('\n  - ')}`);
});
