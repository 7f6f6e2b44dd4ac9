// What the crawl needs to find that `yorisoi demo` does not make and the crawler never would
// (it only ever sends forms empty): an application to be a proxy, sent and waiting for staff;
// a session the demo proxy booked for the customer they act for; and that customer's request
// to end the demo registration. Then support requests: one a visitor sent, to be answered in
// a written-chat session (so its thread offers to book one), answered by the desk and with a
// staff note; and one the demo proxy sent for their customer from the portal. Made through
// the pages, as a person would, before the crawl copies the database. This is set-up, not a
// check: the keyboard journeys in proxy.test.mjs and requests.test.mjs check these pages.

import assert from 'node:assert/strict';
import { newContext, signIn } from './browser.mjs';

/** Sends the form whose action is `action` and waits for the page it leads to. */
async function send(page, action) {
  await Promise.all([page.waitForNavigation(), page.click(`main form[action="${action}"] button[type="submit"]`)]);
}

/** Answers the proxy application, step by step, for the demo customer. */
async function apply(page, base) {
  const steps = [
    ['customer-name', { '#principal_full_name': '山田 花子', '#principal_kana': 'やまだ はなこ' }],
    ['customer-birth', { '[name="birth-year"]': '1941', '[name="birth-month"]': '3', '[name="birth-day"]': '9' }],
    ['customer-address', { '#principal_address': '〒100-0001 東京都千代田区千代田1-1' }],
    ['customer-contact', { '#principal_member_number': 'DEMO1234' }],
    ['proxy-name', { '#proxy_full_name': '山田 次郎', '#proxy_kana': 'やまだ じろう' }],
    ['relationship', { '#relationship-5': true }],
    ['proxy-contact', { '#proxy_email': 'jiro@example.jp', '#proxy_address': '〒150-0001 東京都渋谷区神宮前1-1' }],
    ['scope', { '#scope': true, '#scope-2': true }],
    ['consent', { '#consent_method-2': true }],
    ['declaration', { '#declaration': true }],
  ];
  await page.goto(`${base}/proxy/apply/${steps[0][0]}`);
  for (const [slug, answers] of steps) {
    assert.equal(new URL(page.url()).pathname, `/proxy/apply/${slug}`, 'the application goes step by step');
    for (const [selector, answer] of Object.entries(answers)) {
      if (answer === true) await page.check(selector);
      else await page.fill(selector, answer);
    }
    await send(page, `/proxy/apply/${slug}`);
  }
  await send(page, '/proxy/apply/check');
  assert.equal(new URL(page.url()).pathname, '/proxy/apply/confirmation', 'the application was sent');
}

/** The demo proxy books the first free time for their customer; answers the registration's reference. */
async function bookForCustomer(page, base) {
  await page.goto(`${base}/proxy`);
  const reference = (await page.textContent('main .card .summary-list__value')).trim();
  assert.match(reference, /^P-/);
  await Promise.all([page.waitForNavigation(), page.click('main .card h2 a')]);
  const home = new URL(page.url()).pathname;
  await send(page, `${home}/book`);
  for (const [step, choice] of [['mode', '#mode'], ['day', '[name="day"]'], ['time', '[name="start"]']]) {
    await page.locator(choice).first().check();
    await send(page, `/book/${step}`);
  }
  await page.check('#topic');
  await page.check('#sign_language');
  await send(page, '/book/details');
  await send(page, '/book/check');
  assert.equal(new URL(page.url()).pathname, '/book/confirmation', 'the proxy booked a session');
  return reference;
}

/** The customer asks for the registration `reference` to end. */
async function askToEnd(page, base, reference) {
  await page.goto(`${base}/proxy/revoke`);
  await page.fill('#reference', reference);
  await page.fill('#name', '山田 花子');
  await page.fill('[name="birth-year"]', '1941');
  await page.fill('[name="birth-month"]', '3');
  await page.fill('[name="birth-day"]', '9');
  await send(page, '/proxy/revoke');
  assert.equal(new URL(page.url()).pathname, '/proxy/revoke/sent', 'the request was taken');
}

/** Makes the data above on the server at `base`. */
export async function seedProxies(browser, base, accounts, password) {
  const visitor = await newContext(browser, base, 'ja');
  await apply(await visitor.newPage(), base);
  await visitor.close();

  const proxy = await newContext(browser, base, 'ja');
  await signIn(proxy, base, accounts.proxy, password);
  const reference = await bookForCustomer(await proxy.newPage(), base);
  await proxy.close();

  const customer = await newContext(browser, base, 'ja');
  await askToEnd(await customer.newPage(), base, reference);
  await customer.close();
}

/** Answers the request journey from its first question (the page now shown) to the thread. */
async function askSteps(page, answers) {
  assert.equal(new URL(page.url()).pathname, '/requests/new/topic', 'the request starts with its topic');
  for (const [slug, fields] of answers) {
    assert.equal(new URL(page.url()).pathname, `/requests/new/${slug}`, 'the request goes step by step');
    for (const [selector, answer] of Object.entries(fields)) {
      if (answer === true) await page.check(selector);
      else await page.fill(selector, answer);
    }
    await send(page, `/requests/new/${slug}`);
  }
  assert.equal(new URL(page.url()).pathname, '/requests/new/check', 'every question was answered');
  await send(page, '/requests/new/check');
}

/**
 * A visitor asks about a payment, to be answered in a written-chat session; answers the
 * thread's path (`/requests/{token}`, the link the email carries) and the reference.
 */
export async function visitorRequest(page, base) {
  await page.goto(`${base}/requests/new/topic`);
  await askSteps(page, [
    ['topic', { '#topic': true }],
    ['details', { '#details': '先月の支払いが二回引き落とされています。\n確認してください。' }],
    ['about-you', { '#name': '佐藤 花子', '#member_number': 'DEMO5678' }],
    ['reply', { '#channel-2': true }],
    ['contact', { '#email': 'sato@example.jp' }],
  ]);
  const url = new URL(page.url());
  assert.match(url.pathname, /^\/requests\/[0-9a-f]{64}$/, 'sending leads to the thread');
  assert.equal(url.search, '?sent=1', 'the thread is shown as the confirmation');
  const reference = (await page.textContent('main .reference')).trim();
  return { thread: url.pathname, reference };
}

/** The demo proxy asks a question for their customer from the portal; answers the thread's path. */
async function proxyRequest(page, base) {
  await page.goto(`${base}/proxy`);
  await Promise.all([page.waitForNavigation(), page.click('main .card h2 a')]);
  const home = new URL(page.url()).pathname;
  await send(page, `${home}/ask`);
  // The customer's name and the proxy's email come filled in.
  await askSteps(page, [
    ['topic', { '#topic-3': true }],
    ['details', { '#details': '母のポイントの有効期限を教えてください。' }],
    ['about-you', {}],
    ['reply', { '#channel': true }],
    ['contact', {}],
  ]);
  const url = new URL(page.url());
  assert.match(url.pathname, new RegExp(`^${home}/requests/\\d+$`), 'the proxy sees the thread in the portal');
  return url.pathname;
}

const REPLY = '二重の引き落としを確認しています。チャットで詳しくお伺いします。';
const NOTE = 'カード会社に照会済み。';

/** Staff answer the request with `reference` and add a note, so both show in its thread. */
async function answer(page, base, reference) {
  await page.goto(`${base}/staff/requests`);
  await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: reference, exact: true }).click()]);
  const detail = new URL(page.url()).pathname;
  assert.match(detail, /^\/staff\/requests\/\d+$/);
  await page.fill('#reply', REPLY);
  await send(page, `${detail}/reply`);
  await page.fill('#note', NOTE);
  await send(page, `${detail}/note`);
  return detail;
}

/**
 * Makes the support requests above on the server at `base`. Answers the paths of the
 * visitor's thread, the proxy's thread in the portal and the request's staff page.
 */
export async function seedRequests(browser, base, accounts, password) {
  const visitor = await newContext(browser, base, 'ja');
  const { thread, reference } = await visitorRequest(await visitor.newPage(), base);
  await visitor.close();

  const proxy = await newContext(browser, base, 'ja');
  await signIn(proxy, base, accounts.proxy, password);
  const proxyThread = await proxyRequest(await proxy.newPage(), base);
  await proxy.close();

  const staff = await newContext(browser, base, 'ja');
  await signIn(staff, base, accounts.coordinator, password);
  const detail = await answer(await staff.newPage(), base, reference);
  await staff.close();

  // The customer reads the answer, never the staff note.
  const reader = await newContext(browser, base, 'ja');
  const page = await reader.newPage();
  await page.goto(`${base}${thread}`);
  const shown = await page.textContent('main .thread');
  assert.ok(shown.includes(REPLY), 'the customer reads the answer in the thread');
  assert.ok(!shown.includes(NOTE), 'the staff note is not shown to the customer');
  await reader.close();
  return { thread, proxyThread, detail };
}
