// Support requests with the keyboard alone (Tab, Shift+Tab, Enter, Space and typing; the
// arrow keys only to move within a group of radios, the one way a keyboard reaches any radio
// but the first there): a visitor's request from the start page, through the page about a
// lost or stolen card, with one rejected answer on the way, to the thread that confirms it,
// the page a second press of "send" reaches, and a message added in the thread; and the demo
// proxy sending a request for the customer they act for from the portal, to its thread
// there, with a message added. Every page on the way that the crawler cannot reach, as it
// needs answers the crawler never gives, gets the same checks as the crawl (axe-core,
// structure, labels, reflow at 320 px) and, at the end, the Nu HTML Checker. The pages the
// crawl reaches and checks (the start page, the topic question and its error, the threads
// by their links, the customer's page in the portal) are walked here with the keyboard but
// not checked again.

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
const htmlDir = join(OUT, 'requests-html');
rmSync(htmlDir, { recursive: true, force: true });
mkdirSync(htmlDir, { recursive: true });
const store = new HtmlStore(htmlDir);

// The topics in the order the question lists them; lost or stolen is the fifth.
const TOPICS = [
  'card_payments', 'statements', 'points', 'personal_details', 'lost_stolen',
  'unauthorised_use', 'accommodation', 'staff_conduct', 'other',
];
const REFERENCE = /^R-[0-9A-Z]{4}-[0-9A-Z]{4}$/;

/** Checks the page now shown and keeps its HTML for the Nu HTML Checker. */
async function checked(page, lang, label, response) {
  if (response) store.save(`[requests/${lang}] ${label}`, await response.text());
  // Every page of this journey is public (a visitor's, a customer's or a proxy's).
  const problems = await checkPage(page, lang, { publicPage: true });
  assert.deepEqual(problems, [], `${label}\n  - ${problems.join('\n  - ')}`);
}

const pathname = (page) => new URL(page.url()).pathname;
const value = (page, selector) => page.$eval(selector, (el) => el.value);

/** Presses Tab to the form's submit button (never the proxy's sign-out) and Enter; the page that loads must be `next`. */
async function proceed(page, keys, lang, next) {
  await keys.tabTo((f) => f.tag === 'button' && f.type === 'submit' && f.form !== '/proxy/logout', 'Continue');
  const response = await keys.submit('Enter');
  assert.equal(pathname(page), next, `Continue leads to ${next}`);
  await checked(page, lang, `GET ${next}`, response);
  return response;
}

/** Chooses the radio of `name` with `value`: Tab to the group, then the arrow keys to it, Space to be sure. */
async function choose(page, keys, name, wanted, all) {
  await keys.tabTo((f) => f.name === name, `the question ${name}`);
  const at = all.indexOf(wanted);
  for (let i = 0; i < at; i++) await keys.press('ArrowDown');
  await keys.press('Space');
  assert.equal(await page.$eval(`input[name="${name}"]:checked`, (el) => el.value), wanted);
}

/** Writes a message in a thread with the keyboard and sends it; the thread shows it after. */
async function addMessage(page, keys, lang, who, text) {
  const thread = pathname(page);
  await keys.tabTo((f) => f.id === 'message', 'the message box', 80);
  await keys.type(text);
  const f = await keys.press('Tab');
  assert.equal(f.tag, 'button', 'the send button follows the message box');
  assert.equal(f.form, thread);
  const response = await keys.submit('Enter');
  assert.equal(pathname(page), thread, 'the message leads back to the thread');
  assert.equal(new URL(page.url()).hash, '#messages');
  await checked(page, lang, `GET ${who} thread (with a message added)`, response);
  const last = (await page.locator('main .thread > li').last().textContent()).replace(/\s+/g, ' ');
  assert.ok(last.includes(text), `the last message is the one sent, not ${last}`);
  assert.equal(await value(page, '#message'), '', 'the box is empty again');
}

for (const lang of LANGS) {
  test(`[${lang}] send a request about a lost card with the keyboard alone`, { timeout: 120_000 }, async (t) => {
    const browser = await launch();
    t.after(() => browser.close());
    const context = await newContext(browser, base, lang);
    await addAxe(context);
    const page = await context.newPage();
    const keys = new Keys(page);
    const email = `request-${lang}-${Date.now()}@example.jp`;
    const name = lang === 'ja' ? '鈴木 一郎' : 'Ichiro Suzuki';
    const details = lang === 'ja' ? '昨日、駅でカードをなくしました。新しいカードが必要です。' : 'I lost my card at the station yesterday. I need a new one.';

    // From the start page, by its link.
    await page.goto(`${base}/`);
    await keys.tabTo((f) => f.href === '/requests/new', 'the link to send a request');
    let response = await keys.submit('Enter');
    assert.equal(pathname(page), '/requests/new');
    await keys.tabTo((f) => f.href === '/requests/new/topic', 'the start button');
    response = await keys.submit('Enter');
    assert.equal(pathname(page), '/requests/new/topic');

    // 1. The topic, sent with nothing chosen first: the error summary takes focus, and its
    // link moves focus to the first radio.
    await keys.tabTo((f) => f.tag === 'button' && f.type === 'submit', 'Continue with nothing chosen');
    response = await keys.submit('Enter');
    assert.equal(response.status(), 422);
    await page.waitForFunction(() => document.activeElement?.classList.contains('error-summary'));
    let f = await keys.landed('the rejected page loading');
    assert.ok(f.className.includes('error-summary'), `focus starts on the error summary, not ${f.describe}`);
    assert.match(await page.title(), /1/, 'the title starts with the number of errors');
    assert.equal(await page.locator('.error-summary a').count(), 1);
    f = await keys.press('Tab');
    assert.equal(f.href, '#topic');
    await keys.moveTo('Enter', 'input#topic', 'Enter on the summary link to the topic');
    // From the first radio down to "a lost or stolen card".
    for (let i = 0; i < TOPICS.indexOf('lost_stolen'); i++) await keys.press('ArrowDown');
    assert.equal(await page.$eval('input[name="topic"]:checked', (el) => el.value), 'lost_stolen');
    await proceed(page, keys, lang, '/requests/new/lost-card');

    // 2. What to do at once about the card, then on with the request.
    assert.equal(await page.locator('main h1').count(), 1);
    assert.ok(await page.locator('main .warning-text').isVisible(), 'the warning to stop the card stands out');
    f = await keys.tabTo((f) => f.href === '/requests/new/details', 'the button to continue');
    assert.ok(f.className.includes('button'), 'the way on looks like a button');
    response = await keys.submit('Enter');
    assert.equal(pathname(page), '/requests/new/details');
    await checked(page, lang, 'GET /requests/new/details', response);
    assert.equal(
      await page.getAttribute('main a.back-link', 'href'),
      '/requests/new/lost-card',
      'back goes to the lost-card page',
    );

    // 3. The request in their own words.
    await keys.tabTo((f) => f.id === 'details', 'the request box');
    await keys.type(details);
    await proceed(page, keys, lang, '/requests/new/about-you');

    // 4. Name and member number.
    await keys.tabTo((f) => f.id === 'name', 'the name');
    await keys.type(name);
    assert.equal((await keys.press('Tab')).id, 'member_number');
    await keys.type('1234 5678');
    await proceed(page, keys, lang, '/requests/new/reply');

    // 5. The answer by email: the first way, chosen with Space.
    await keys.tabTo((f) => f.name === 'channel', 'the first way to answer');
    await keys.press('Space');
    assert.ok(await page.isChecked('#channel'));
    await proceed(page, keys, lang, '/requests/new/contact');

    // 6. Where the answer goes.
    await keys.tabTo((f) => f.id === 'email', 'the email field');
    await keys.type(email);
    await proceed(page, keys, lang, '/requests/new/check');
    const answers = await page.textContent('main');
    for (const typed of [name, email, '1234 5678']) {
      assert.ok(answers.includes(typed) || answers.includes(typed.replace(' ', '')), `the check page shows ${typed}`);
    }

    // Send, with Space.
    await keys.tabTo((f) => f.tag === 'button' && f.form === '/requests/new/check', 'the send button', 80);
    response = await keys.submit('Space');
    assert.match(pathname(page), /^\/requests\/[0-9a-f]{64}$/, 'sending leads to the thread');
    assert.equal(new URL(page.url()).search, '?sent=1');
    await checked(page, lang, 'GET /requests/{token}?sent=1', response);
    const thread = pathname(page);
    const reference = (await page.textContent('main .panel .reference')).trim();
    assert.match(reference, REFERENCE);
    assert.equal(await page.getAttribute('main .link-box a', 'href'), `${base}${thread}`, 'the link to keep is this page');
    assert.ok((await page.textContent('main .thread')).includes(details.slice(0, 10)), 'the request is the first message');

    // A second press of "send" (the page again, after the request went) is told it is sent.
    response = await page.goto(`${base}/requests/new/confirmation`);
    assert.equal(pathname(page), '/requests/new/confirmation');
    await checked(page, lang, 'GET /requests/new/confirmation', response);
    assert.equal((await page.textContent('main .panel .reference')).trim(), reference);

    // The thread by its link: a message added with the keyboard.
    response = await page.goto(`${base}${thread}`);
    assert.ok((await page.textContent('h1')).includes(reference), 'the thread is headed by its reference');
    await addMessage(page, keys, lang, 'the visitor', lang === 'ja' ? 'カードの番号は控えてあります。' : 'I have noted the card number.');
  });

  test(`[${lang}] the proxy sends a request for their customer with the keyboard alone`, { timeout: 120_000 }, async (t) => {
    const browser = await launch();
    t.after(() => browser.close());
    const context = await newContext(browser, base, lang);
    await addAxe(context);
    const page = await context.newPage();
    const keys = new Keys(page);
    const customer = '山田 花子';
    const details = lang === 'ja' ? '母の明細書が届いていません。' : "My mother's statement has not arrived.";

    // Signing in at the proxies' own door.
    await page.goto(`${base}/proxy/login`);
    await keys.tabTo((f) => f.id === 'email', 'the email field');
    await keys.type(proxy.email);
    assert.equal((await keys.press('Tab')).id, 'password');
    await keys.type(password);
    assert.equal((await keys.press('Tab')).tag, 'button');
    let response = await keys.submit('Enter');
    assert.equal(page.url(), `${base}/proxy`, 'signed in, the proxy lands on the portal');

    // The customer they act for, and the button to send a request for them.
    let f = await keys.tabTo((f) => /^\/proxy\/customers\/\d+$/.test(f.href ?? '') && f.text === customer, `the link to ${customer}`);
    const home = f.href;
    response = await keys.submit('Enter');
    assert.equal(pathname(page), home);
    f = await keys.tabTo((f) => f.tag === 'button' && f.form === `${home}/ask`, 'Send a request for them');
    response = await keys.submit('Enter');
    assert.equal(pathname(page), '/requests/new/topic');
    const banner = async () =>
      assert.ok((await page.textContent('.acting-for')).includes(customer), `a banner on ${pathname(page)} says whom it is for`);
    await banner();

    // The second topic (statements).
    await choose(page, keys, 'topic', 'statements', TOPICS);
    await proceed(page, keys, lang, '/requests/new/details');
    await banner();
    await keys.tabTo((f) => f.id === 'details', 'the request box');
    await keys.type(details);
    await proceed(page, keys, lang, '/requests/new/about-you');
    await banner();

    // The customer's name and member number come filled in.
    assert.equal(await value(page, '#name'), customer);
    assert.equal(await value(page, '#member_number'), 'DEMO1234');
    await keys.tabTo((f) => f.id === 'name', 'the name');
    assert.equal((await keys.press('Tab')).id, 'member_number');
    await proceed(page, keys, lang, '/requests/new/reply');
    await banner();
    await keys.tabTo((f) => f.name === 'channel', 'the first way to answer');
    await keys.press('Space');
    await proceed(page, keys, lang, '/requests/new/contact');
    await banner();

    // The answer comes to the proxy's email.
    assert.equal(await value(page, '#email'), proxy.email);
    await proceed(page, keys, lang, '/requests/new/check');
    await banner();
    const answers = await page.textContent('main');
    assert.ok(answers.includes(customer) && answers.includes(proxy.email), 'the answers are shown to check');

    await keys.tabTo((f) => f.tag === 'button' && f.form === '/requests/new/check', 'the send button', 80);
    response = await keys.submit('Enter');
    const sent = pathname(page);
    assert.match(sent, new RegExp(`^${home}/requests/\\d+$`), 'sending leads to the thread in the portal');
    assert.equal(new URL(page.url()).search, '?sent=1');
    await checked(page, lang, 'GET /proxy/customers/{id}/requests/{id}?sent=1', response);
    const reference = (await page.textContent('main .panel .reference')).trim();
    assert.match(reference, REFERENCE);

    // Back to the customer's page, where the request is listed, and into its thread.
    await keys.tabTo((f) => f.href === home, 'the back link to the customer');
    response = await keys.submit('Enter');
    assert.equal(pathname(page), home);
    f = await keys.tabTo((f) => f.href === sent, `the link to ${reference}`, 60);
    assert.ok(f.text.includes(reference));
    response = await keys.submit('Enter');
    assert.equal(pathname(page), sent);
    assert.ok((await page.textContent('h1')).includes(reference));
    assert.ok((await page.textContent('main .thread')).includes(details), 'the request is in the thread');
    await addMessage(page, keys, lang, 'the proxy', lang === 'ja' ? '至急でなくて大丈夫です。' : 'There is no hurry.');
  });
}

test('Nu HTML Checker finds no errors in the request journey pages', () => {
  const errors = vnuErrors(htmlDir).map((line) => `${store.labelFor(line)}: ${line.replace(/^"[^"]*"/, '')}`);
  assert.deepEqual(errors, [], `\n  - ${errors.join('\n  - ')}`);
});
