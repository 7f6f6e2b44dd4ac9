// What the crawl needs to find that `yorisoi demo` does not make and the crawler never would
// (it only ever sends forms empty): an application to be a proxy, sent and waiting for staff;
// a session the demo proxy booked for the customer they act for; and that customer's request
// to end the demo registration. Made through the pages, as a person would, before the crawl
// copies the database. This is set-up, not a check: the keyboard journeys in
// proxy.test.mjs check these pages.

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
