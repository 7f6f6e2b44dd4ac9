// Booking a session with the keyboard alone (Tab, Shift+Tab, Enter, Space), from the start
// page to the confirmation, then opening the emailed manage link and walking its pages.
// Every page on the way gets the same checks as the crawl (axe-core, structure, labels,
// reflow at 320 px) and, at the end, the Nu HTML Checker: the crawler cannot reach these
// pages, as they need answers it never gives.

import test from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { LANGS, OUT, launch, newContext, server } from './lib/browser.mjs';
import { HtmlStore, checkPage } from './lib/crawl.mjs';
import { addAxe, vnuErrors } from './lib/checks.mjs';
import { Keys } from './lib/keys.mjs';

const { base } = server();
const mailDir = process.env.YORISOI_TEST_MAIL_DIR;
const htmlDir = join(OUT, 'booking-html');
rmSync(htmlDir, { recursive: true, force: true });
mkdirSync(htmlDir, { recursive: true });
const store = new HtmlStore(htmlDir);

/** Checks the page now shown and keeps its HTML for the Nu HTML Checker. */
async function checked(page, lang, label, response) {
  if (response) store.save(`[booking/${lang}] ${label}`, await response.text());
  // Every page of this journey is public (a visitor's, a customer's or a proxy's).
  const problems = await checkPage(page, lang, { publicPage: true });
  assert.deepEqual(problems, [], `${label}\n  - ${problems.join('\n  - ')}`);
}

/** The manage link in the newest email sent to `to`, from the server's mail folder. */
function manageLinkFor(to) {
  assert.ok(mailDir, 'the run script names the mail folder');
  const files = readdirSync(mailDir)
    .filter((f) => f.endsWith('.eml'))
    .map((f) => readFileSync(join(mailDir, f), 'utf8'))
    .filter((m) => m.includes(to));
  assert.ok(files.length > 0, `an email to ${to} was written`);
  // Quoted-printable soft line breaks are undone, and base64 parts decoded, before looking
  // for the link.
  const raw = files.at(-1);
  const decoded = [...raw.matchAll(/Content-Transfer-Encoding: base64\r?\n\r?\n([A-Za-z0-9+/=\r\n]+)/g)]
    .map((m) => Buffer.from(m[1].replace(/\s/g, ''), 'base64').toString('utf8'));
  const text = [raw.replace(/=\r?\n/g, ''), ...decoded].join('\n');
  const match = text.match(/https?:\/\/[^\s"<]+\/bookings\/[0-9a-f]{64}/);
  assert.ok(match, 'the email carries a manage link');
  return match[0];
}

for (const lang of LANGS) {
  test(`[${lang}] book a session with the keyboard alone`, { timeout: 120_000 }, async (t) => {
    const browser = await launch();
    t.after(() => browser.close());
    const context = await newContext(browser, base, lang);
    await addAxe(context);
    const page = await context.newPage();
    const keys = new Keys(page);
    const email = `keyboard-${lang}-${Date.now()}@example.jp`;

    let response = await page.goto(`${base}/`);
    await keys.tabTo((f) => f.href === '/book', 'the booking link on the start page');
    response = await keys.submit('Enter');
    assert.equal(new URL(page.url()).pathname, '/book');
    await checked(page, lang, 'GET /book', response);

    await keys.tabTo((f) => f.href === '/book/mode', 'the start button');
    response = await keys.submit('Enter');
    await checked(page, lang, 'GET /book/mode', response);

    // The kind of session: the first radio (sign language), chosen with Space.
    let f = await keys.tabTo((f) => f.name === 'mode', 'the first kind of session');
    await keys.press('Space');
    assert.ok(await page.isChecked('#mode'));
    await keys.tabTo((f) => f.tag === 'button', 'Continue');
    response = await keys.submit('Enter');
    assert.equal(new URL(page.url()).pathname, '/book/day');
    await checked(page, lang, 'GET /book/day', response);

    // The first day with free times.
    f = await keys.tabTo((f) => f.name === 'day', 'the first day offered');
    await keys.press('Space');
    await keys.tabTo((f) => f.tag === 'button', 'Continue');
    response = await keys.submit('Enter');
    assert.equal(new URL(page.url()).pathname, '/book/time');
    await checked(page, lang, 'GET /book/time', response);

    // The first free time.
    await keys.tabTo((f) => f.name === 'start', 'the first time offered');
    await keys.press('Space');
    await keys.tabTo((f) => f.tag === 'button', 'Continue');
    response = await keys.submit('Enter');
    assert.equal(new URL(page.url()).pathname, '/book/details');
    await checked(page, lang, 'GET /book/details', response);

    // Sent empty first: the error summary takes focus, and its links lead to the fields.
    await keys.tabTo((f) => f.tag === 'button', 'Continue on the empty form', 60);
    response = await keys.submit('Enter');
    assert.equal(response.status(), 422);
    await page.waitForFunction(() => document.activeElement?.classList.contains('error-summary'));
    f = await keys.landed('the rejected page loading');
    await checked(page, lang, 'POST /book/details (empty)', response);
    f = await keys.press('Tab');
    assert.equal(f.href, '#name');
    await keys.moveTo('Enter', 'input#name', 'Enter on the summary link to the name');
    await keys.type(lang === 'ja' ? '山田 花子' : 'Hanako Yamada');
    assert.equal((await keys.press('Tab')).id, 'email');
    await keys.type(email);
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
    await keys.type(lang === 'ja' ? 'ゆっくりお願いします。' : 'Please go slowly.');
    assert.equal((await keys.press('Tab')).tag, 'button');
    response = await keys.submit('Enter');
    assert.equal(new URL(page.url()).pathname, '/book/check');
    await checked(page, lang, 'GET /book/check', response);
    assert.ok((await page.textContent('main')).includes(email), 'the answers are shown to check');

    // Confirm.
    await keys.tabTo((f) => f.tag === 'button' && f.form === '/book/check', 'the confirm button', 60);
    response = await keys.submit('Enter');
    assert.equal(new URL(page.url()).pathname, '/book/confirmation');
    await checked(page, lang, 'GET /book/confirmation', response);
    const reference = (await page.textContent('.panel strong')).trim();
    assert.match(reference, /^S-[0-9A-Z]{4}-[0-9A-Z]{4}$/);

    // The emailed link: the session, the cancel question and the pages to move it.
    let manage = null;
    for (let i = 0; i < 50 && !manage; i++) {
      try {
        manage = manageLinkFor(email);
      } catch {
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    manage ??= manageLinkFor(email);
    const path = new URL(manage).pathname;
    response = await page.goto(`${base}${path}`);
    await checked(page, lang, 'GET /bookings/{token}', response);
    assert.ok((await page.textContent('main')).includes(reference));
    await keys.tabTo((f) => f.href === `${path}/reschedule`, 'the link to change the time');
    response = await keys.submit('Enter');
    await checked(page, lang, 'GET /bookings/{token}/reschedule', response);
    await keys.tabTo((f) => f.name === 'day', 'a day to move to');
    await keys.press('Space');
    await keys.tabTo((f) => f.tag === 'button', 'Continue');
    response = await keys.submit('Enter');
    assert.equal(new URL(page.url()).pathname, `${path}/reschedule/time`);
    await checked(page, lang, 'GET /bookings/{token}/reschedule/time', response);

    response = await page.goto(`${base}${path}/cancel`);
    await checked(page, lang, 'GET /bookings/{token}/cancel', response);
    await keys.tabTo((f) => f.id === 'cancel_reason', 'the reason box');
    await keys.type(lang === 'ja' ? '都合が悪くなりました' : 'Something came up');
    await keys.tabTo((f) => f.tag === 'button', 'the cancel button');
    response = await keys.submit('Enter');
    assert.match(page.url(), /\?done=cancelled$/);
    await checked(page, lang, 'GET /bookings/{token}?done=cancelled', response);
  });
}

test('Nu HTML Checker finds no errors in the booking pages', () => {
  const errors = vnuErrors(htmlDir).map((line) => `${store.labelFor(line)}: ${line.replace(/^"[^"]*"/, '')}`);
  assert.deepEqual(errors, [], `\n  - ${errors.join('\n  - ')}`);
});
