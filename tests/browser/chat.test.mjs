// The written-chat room in real browsers. A newcomer books a written-chat session at /book;
// the coordinator finds it on the schedule board and its interpreter opens the room early.
// The customer (in Japanese, with script) and the interpreter (in English, with script)
// then write to each other with the keyboard alone: each message appears in the other's log
// live, in order, under its writer's name (the interpreter's display name, never their full
// name), and the pages never reload. While the interpreter writes, the customer's log is
// watched: the new message is one list item added, nothing already there is removed or
// replaced, and focus stays where the customer left it. A third browser without script
// writes by the plain form and reads the interpreter's answer by "Check for new messages".
// The interpreter ends the session: the customer's page says so at once and stops taking
// messages, without taking focus off the button the customer is on; the page loaded again
// shows the conversation to read, and the customer's mailbox receives it. Both rooms are
// checked (axe-core, structure, labels, reflow at 320 px, and the Nu HTML Checker) before
// opening, during and after the session, and the customer's room is photographed during
// the session, wide and at 320 px, in each language.

import test from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { DESKTOP, NARROW, OUT, launch, newContext, server, setLanguage, signIn } from './lib/browser.mjs';
import { HtmlStore, checkPage } from './lib/crawl.mjs';
import { addAxe, vnuErrors } from './lib/checks.mjs';
import { Keys } from './lib/keys.mjs';
import { catalogue } from './lib/catalogue.mjs';
import { waitForMail } from './lib/mail.mjs';

const { base, password, accounts } = server();
const htmlDir = join(OUT, 'chat-html');
rmSync(htmlDir, { recursive: true, force: true });
mkdirSync(htmlDir, { recursive: true });
const store = new HtmlStore(htmlDir);

// The interpreters `yorisoi demo` makes, who have the hours a booking can be given to, and
// the one `./run` makes: the name customers see, and the full name they must never see.
const INTERPRETERS = [
  { email: 'sato@demo.yorisoi.example', fullName: '佐藤 美咲', displayName: '佐藤' },
  { email: 'takahashi@demo.yorisoi.example', fullName: '高橋 健一', displayName: '高橋' },
  { email: 'suzuki@demo.yorisoi.example', fullName: '鈴木 陽子', displayName: '鈴木' },
  { email: 'tanaka@demo.yorisoi.example', fullName: '田中 誠', displayName: '田中' },
  { ...accounts.interpreter, fullName: `試験 ${accounts.interpreter.displayName}` },
];

const CUSTOMER_NAME = '小林 さくら';
const CUSTOMER_EMAIL = `chat-${Date.now()}@example.jp`;
const SAID = {
  customer1: 'こんにちは。カードの明細について相談したいです。',
  staff1: 'Hello, I am here. Please tell me which statement.',
  customer2: '先月分の明細です。',
  noScript: 'Writing from my tablet without script.',
  staff2: 'Thank you, I can see the charge on last month.',
};

const pathname = (page) => new URL(page.url()).pathname;
const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Checks the page now shown and keeps its HTML (the server's, or the page as it now stands) for the Nu HTML Checker. */
async function checked(page, lang, label, { response, publicPage }) {
  store.save(`[chat/${lang}] ${label}`, response ? await response.text() : await page.content());
  const problems = await checkPage(page, lang, { publicPage });
  assert.deepEqual(problems, [], `${label}\n  - ${problems.join('\n  - ')}`);
}

/** Sends the form whose action ends with `action` and waits for the page it leads to. */
async function send(page, action) {
  const [response] = await Promise.all([
    page.waitForNavigation(),
    page.click(`main form[action$="${action}"] button[type="submit"]`),
  ]);
  return response;
}

// The room, as a page shows it.

/** The messages in the page's log, in order: who wrote each and what it says. */
function shownMessages(page) {
  return page.$$eval('#chat-log ol.thread > li', (items) =>
    items.map((li) => ({
      id: li.id,
      who: li.querySelector('.thread__meta strong')?.textContent.trim(),
      body: li.querySelector('.thread__body')?.textContent.trim(),
    })),
  );
}

/** Waits for the message saying `text` to appear in the page's log. */
async function waitForMessage(page, text, who) {
  await page
    .locator('#chat-log ol.thread > li', { hasText: text })
    .waitFor({ timeout: 10_000 })
    .catch(() => assert.fail(`"${text}" did not appear in ${who}'s log without a reload`));
}

/** Marks the page, so that a reload or navigation (which would lose the mark) can be told. */
const mark = (page) => page.evaluate(() => (window.chatTestMark = 'still the same page'));
async function assertNotReloaded(page, who) {
  const kept = await page.evaluate(() => window.chatTestMark);
  assert.equal(kept, 'still the same page', `${who}'s page was loaded again`);
}

/** Types `text` in the focused message box, presses Tab to Send and Enter on it; the page stays. */
async function typeAndSend(page, keys, text, room) {
  await keys.type(text);
  const f = await keys.press('Tab');
  assert.equal(f.tag, 'button', `Send follows the message box, not ${f.describe}`);
  assert.equal(f.form, room, 'the button sends the room form');
  await keys.press('Enter');
  await page
    .waitForFunction(() => document.querySelector('#chat_message').value === '', null, { timeout: 10_000 })
    .catch(() => assert.fail(`"${text}" was not taken: the box was not emptied`));
  assert.equal(pathname(page), room, 'sending stays in the room');
  const still = await keys.landed('the message being sent');
  assert.equal(still.tag, 'button', 'focus stays on Send after sending');
}

/** Asserts that the log is the one region the brief describes: role=log, polite, in the page at load. */
async function assertLogRegion(page) {
  const log = await page.$eval('#chat-log', (el) => ({
    role: el.getAttribute('role'),
    live: el.getAttribute('aria-live'),
    name: el.getAttribute('aria-labelledby'),
  }));
  assert.equal(log.role, 'log');
  assert.ok(log.live === null || log.live === 'polite', `the log is aria-live="${log.live}", not polite`);
  assert.ok(log.name, 'the log is named by its heading');
}

/** Photographs the room, full page, wide and at 320 px, where the screenshots suite keeps its pictures. */
async function shoot(page, name) {
  for (const viewport of [DESKTOP, NARROW]) {
    await page.setViewportSize(viewport);
    const path = join(OUT, `${name}-${viewport.width}.png`);
    await page.screenshot({ path, fullPage: true });
    assert.ok(statSync(path).size > 5000, `${path} is nearly empty`);
    if (viewport === NARROW) {
      const width = await page.evaluate(() => document.scrollingElement.scrollWidth);
      assert.ok(width <= NARROW.width, `${name} scrolls sideways at 320 px (${width} px wide)`);
    }
  }
  await page.setViewportSize(DESKTOP);
}

test('a written-chat session from booking to its emailed conversation, in three browsers', { timeout: 360_000 }, async (t) => {
  const browser = await launch();
  t.after(() => browser.close());
  // What the steps find, for the steps after them.
  const s = {};
  let broken = false;
  const step = (name, fn) =>
    t.test(name, { skip: broken && 'an earlier step failed' }, async () => {
      try {
        await fn();
      } catch (e) {
        broken = true;
        throw e;
      }
    });

  await step('a newcomer books a written-chat session at /book', async () => {
    s.customer = await newContext(browser, base, 'ja');
    await addAxe(s.customer);
    const page = await s.customer.newPage();
    await page.goto(`${base}/book`);
    await Promise.all([page.waitForNavigation(), page.click('main a[href="/book/mode"]')]);
    await page.check('input[name="mode"][value="written_chat"]');
    await send(page, '/book/mode');
    assert.equal(pathname(page), '/book/day');
    s.day = await page.locator('input[name="day"]').first().getAttribute('value');
    await page.locator('input[name="day"]').first().check();
    await send(page, '/book/day');
    await page.locator('input[name="start"]').first().check();
    await send(page, '/book/time');
    assert.equal(pathname(page), '/book/details');
    await page.fill('#name', CUSTOMER_NAME);
    await page.fill('#email', CUSTOMER_EMAIL);
    await page.locator('input[name="topic"]').first().check();
    assert.equal(await page.locator('input[name="sign_language"]').count(), 0, 'a written chat asks for no sign language');
    await page.fill('#needs', '文字でゆっくりやりとりしたいです。');
    await send(page, '/book/details');
    assert.equal(pathname(page), '/book/check');
    await send(page, '/book/check');
    assert.equal(pathname(page), '/book/confirmation');
    s.reference = (await page.textContent('.panel strong')).trim();
    assert.match(s.reference, /^S-[0-9A-Z]{4}-[0-9A-Z]{4}$/);

    // The emailed manage link, and from its page the way to the room.
    const mail = await waitForMail(CUSTOMER_EMAIL, (m) => /\/bookings\/[0-9a-f]{64}/.test(m), 'with a manage link');
    s.manage = new URL(mail.match(/https?:\/\/[^\s"<]+\/bookings\/[0-9a-f]{64}/)[0]).pathname;
    await page.goto(`${base}${s.manage}`);
    assert.ok((await page.textContent('main')).includes(s.reference));
    const [response] = await Promise.all([page.waitForNavigation(), page.click('#chat-room')]);
    s.room = `${s.manage}/chat`;
    assert.equal(pathname(page), s.room);
    assert.equal(await page.locator('#chat_message').count(), 0, 'before it opens, the room takes no messages');
    assert.equal(
      (await page.textContent('#chat_state')).includes(catalogue('ja', 'chat.not_yet').split('{time}')[0]),
      true,
      'the room says when it opens',
    );
    await checked(page, 'ja', 'customer room before it opens', { response, publicPage: true });
    s.customerPage = page;
  });

  await step('the coordinator finds the session, its interpreter opens the room early', async () => {
    const coordinator = await newContext(browser, base, 'en');
    await signIn(coordinator, base, accounts.coordinator, password);
    const board = await coordinator.newPage();
    await board.goto(`${base}/staff/schedule?week=${s.day}`);
    await Promise.all([board.waitForNavigation(), board.getByRole('link', { name: s.reference, exact: true }).first().click()]);
    s.session = pathname(board);
    assert.match(s.session, /^\/staff\/sessions\/\d+$/);
    const assigned = (
      await board
        .locator('.summary-list__row', { has: board.locator('.summary-list__key', { hasText: /^Interpreter$/ }) })
        .locator('.summary-list__value')
        .textContent()
    ).trim();
    s.interpreter = INTERPRETERS.find((i) => i.displayName === assigned);
    assert.ok(s.interpreter, `the session's interpreter "${assigned}" is one the suite knows`);
    assert.notEqual(s.interpreter.fullName, s.interpreter.displayName, 'the interpreter has a full name other than the one customers see');
    await coordinator.close();

    // The interpreter, from their own sessions to the session and its room.
    s.staff = await newContext(browser, base, 'en');
    await addAxe(s.staff);
    await signIn(s.staff, base, { email: s.interpreter.email }, password);
    const page = await s.staff.newPage();
    await page.goto(`${base}/staff/my-sessions`);
    await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: s.reference, exact: true }).click()]);
    assert.equal(pathname(page), s.session);
    let [response] = await Promise.all([page.waitForNavigation(), page.click('#chat-room')]);
    s.staffRoom = `${s.session}/chat`;
    assert.equal(pathname(page), s.staffRoom);
    assert.equal(await page.locator('#chat_message').count(), 0);
    await checked(page, 'en', 'staff room before it opens', { response, publicPage: false });

    response = await send(page, '/chat/open');
    assert.equal(pathname(page), s.staffRoom);
    assert.equal(new URL(page.url()).search, '?done=opened');
    assert.equal(await page.locator('#chat_message').count(), 1, 'the open room takes messages');
    assert.equal(await page.locator('#chat-log[data-events]').count(), 1, 'the open room is followed live');
    await assertLogRegion(page);
    s.staffPage = page;
  });

  await step('customer and interpreter write to each other by keyboard alone, live', async () => {
    const customer = s.customerPage;
    const staff = s.staffPage;
    // The customer comes back to the room when it is open.
    await customer.goto(`${base}${s.room}`);
    assert.equal(await customer.locator('#chat_message').count(), 1);
    await assertLogRegion(customer);
    await mark(customer);
    await mark(staff);
    s.customerKeys = new Keys(customer);
    s.staffKeys = new Keys(staff);

    // The customer: Tab from the top of the page to the box, then to Send.
    await s.customerKeys.tabTo((f) => f.id === 'chat_message', 'the message box', 60);
    await typeAndSend(customer, s.customerKeys, SAID.customer1, s.room);
    await waitForMessage(staff, SAID.customer1, 'the interpreter');
    await waitForMessage(customer, SAID.customer1, 'the customer');

    // The customer starts the next message; it stays where it is while the answer arrives.
    let f = await s.customerKeys.press('Shift+Tab');
    assert.equal(f.id, 'chat_message', 'Shift+Tab from Send goes back to the box');
    await s.customerKeys.type(SAID.customer2.slice(0, 3));
    const before = await customer.$$eval('#chat-log ol.thread > li', (items) => items.map((li) => li.outerHTML));
    await customer.evaluate(() => {
      window.chatTestFocus = document.activeElement;
      window.chatTestRecords = [];
      const describe = (n) => `${n.nodeName.toLowerCase()}${n.id ? `#${n.id}` : ''}`;
      window.chatTestNote = (records) => {
        for (const r of records) {
          window.chatTestRecords.push({
            type: r.type,
            target: describe(r.target),
            added: [...r.addedNodes].map(describe),
            removed: [...r.removedNodes].map(describe),
          });
        }
      };
      window.chatTestObserver = new MutationObserver(window.chatTestNote);
      window.chatTestObserver.observe(document.getElementById('chat-log'), {
        childList: true,
        subtree: true,
        characterData: true,
        attributes: true,
      });
    });

    // The interpreter: Tab from the top to the box, then to Send.
    await s.staffKeys.tabTo((f) => f.id === 'chat_message', 'the message box', 80);
    await typeAndSend(staff, s.staffKeys, SAID.staff1, s.staffRoom);
    await waitForMessage(customer, SAID.staff1, 'the customer');
    await waitForMessage(staff, SAID.staff1, 'the interpreter');

    // Announced once: one item added to the list, nothing removed or rewritten, focus where it was.
    const seen = await customer.evaluate(() => {
      window.chatTestNote(window.chatTestObserver.takeRecords());
      window.chatTestObserver.disconnect();
      return {
        records: window.chatTestRecords,
        focusKept: document.activeElement === window.chatTestFocus,
        focus: document.activeElement.id,
        typed: document.getElementById('chat_message').value,
      };
    });
    const newId = (await shownMessages(customer)).at(-1).id;
    assert.deepEqual(
      seen.records,
      [{ type: 'childList', target: 'ol', added: [`li#${newId}`], removed: [] }],
      'the answer arrives as one list item added to the log, and nothing else in the log changes',
    );
    const after = await customer.$$eval('#chat-log ol.thread > li', (items) => items.map((li) => li.outerHTML));
    assert.deepEqual(after.slice(0, before.length), before, 'the messages already there are left as they were');
    assert.ok(seen.focusKept, `focus moved by itself to #${seen.focus}`);
    assert.equal(seen.typed, SAID.customer2.slice(0, 3), 'what the customer was typing is kept');

    // The customer finishes their message and sends it; the interpreter answers with Shift+Tab back to the box.
    await typeAndSend(customer, s.customerKeys, SAID.customer2.slice(3), s.room);
    await waitForMessage(staff, SAID.customer2, 'the interpreter');
    await waitForMessage(customer, SAID.customer2, 'the customer');

    await assertNotReloaded(customer, 'the customer');
    await assertNotReloaded(staff, 'the interpreter');
    const expected = [
      { who: CUSTOMER_NAME, body: SAID.customer1 },
      { who: s.interpreter.displayName, body: SAID.staff1 },
      { who: CUSTOMER_NAME, body: SAID.customer2 },
    ];
    for (const [page, who] of [[customer, 'the customer'], [staff, 'the interpreter']]) {
      const shown = await shownMessages(page);
      assert.deepEqual(shown.map(({ who, body }) => ({ who, body })), expected, `${who}'s log, in order, with the writers' names`);
      const ids = shown.map((m) => Number(m.id.replace(/^m-/, '')));
      assert.deepEqual([...ids].sort((a, b) => a - b), ids, 'ids rise in the order written');
    }
    const customerText = await customer.textContent('body');
    assert.ok(!customerText.includes(s.interpreter.fullName), "the customer never sees the interpreter's full name");
  });

  await step('both rooms pass the checks during the session', async () => {
    // The pages as they now stand, with the messages added live, and as the server draws them.
    await checked(s.customerPage, 'ja', 'customer room during the session (live)', { publicPage: true });
    await checked(s.staffPage, 'en', 'staff room during the session (live)', { publicPage: false });
    const server = await s.customer.request.get(`${base}${s.room}`);
    store.save('[chat/ja] customer room during the session (loaded)', await server.text());
    const staffServer = await s.staff.request.get(`${base}${s.staffRoom}`);
    store.save('[chat/en] staff room during the session (loaded)', await staffServer.text());
    await assertNotReloaded(s.customerPage, 'the customer');
    await assertNotReloaded(s.staffPage, 'the interpreter');
  });

  await step('without script, the customer writes by the plain form and checks for new messages', async () => {
    s.plain = await browser.newContext({ viewport: DESKTOP, reducedMotion: 'reduce', javaScriptEnabled: false });
    await setLanguage(s.plain, base, 'en');
    const page = await s.plain.newPage();
    await page.goto(`${base}${s.room}`);
    assert.equal(await page.locator('meta[http-equiv="refresh" i]').count(), 0, 'the room never reloads itself');
    assert.equal((await shownMessages(page)).length, 3, 'the conversation so far is shown');
    await page.fill('#chat_message', SAID.noScript);
    const [response] = await Promise.all([page.waitForNavigation(), page.click('main form[data-chat-send] button[type="submit"]')]);
    assert.equal(response.status(), 200);
    assert.equal(pathname(page), s.room, 'the form leads back to the room');
    assert.equal(response.request().redirectedFrom()?.method(), 'POST', 'the message was posted, then the room shown again');
    assert.equal((await shownMessages(page)).at(-1).body, SAID.noScript, 'the message is shown last');
    assert.equal(await page.inputValue('#chat_message'), '', 'the box is empty again');

    // The pages with script get it live.
    await waitForMessage(s.customerPage, SAID.noScript, 'the customer (with script)');
    await waitForMessage(s.staffPage, SAID.noScript, 'the interpreter');

    // The interpreter answers, by keyboard: Shift+Tab from Send back to the box.
    const f = await s.staffKeys.press('Shift+Tab');
    assert.equal(f.id, 'chat_message');
    await typeAndSend(s.staffPage, s.staffKeys, SAID.staff2, s.staffRoom);
    await waitForMessage(s.customerPage, SAID.staff2, 'the customer (with script)');

    // Without script nothing arrives by itself; "Check for new messages" brings it.
    await pause(500);
    assert.equal((await shownMessages(page)).some((m) => m.body === SAID.staff2), false, 'the page without script does not change by itself');
    await Promise.all([page.waitForNavigation(), page.click('#chat-refresh')]);
    assert.equal(pathname(page), s.room);
    const shown = await shownMessages(page);
    assert.deepEqual(shown.at(-1), { ...shown.at(-1), who: s.interpreter.displayName, body: SAID.staff2 });
    s.plainPage = page;
  });

  await step('screenshots of the customer room during the session', async () => {
    // Japanese: the live page, with the messages added as they came; English: the page without script.
    await shoot(s.customerPage, 'chat-room-ja');
    await shoot(s.plainPage, 'chat-room-en');
    await assertNotReloaded(s.customerPage, 'the customer');
  });

  await step('the interpreter ends the session: the live page says so, the mailbox gets the conversation', async () => {
    const customer = s.customerPage;
    const ended = catalogue('ja', 'chat.closed');
    // The customer is on Send, where their last message left them.
    const focused = await customer.evaluate(() => (window.chatTestFocus = document.activeElement).outerHTML);
    assert.match(focused, /^<button/);
    let response = await send(s.staffPage, '/chat/end');
    assert.equal(pathname(s.staffPage), s.staffRoom);
    assert.equal(new URL(s.staffPage.url()).search, '?done=ended');
    assert.equal(await s.staffPage.locator('#chat_message').count(), 0, 'the ended room takes no messages');
    await checked(s.staffPage, 'en', 'staff room after the session ended', { response, publicPage: false });

    await customer
      .waitForFunction((ended) => document.getElementById('chat_state').textContent.trim() === ended, ended, { timeout: 10_000 })
      .catch(() => assert.fail('the customer\'s page did not say the session ended'));
    const now = await customer.evaluate(() => ({
      status: document.getElementById('chat-status').textContent.trim(),
      statusRole: document.getElementById('chat-status').getAttribute('role'),
      readOnly: document.getElementById('chat_message').readOnly,
      controls: [...document.querySelectorAll('[data-chat-while-open] button, [data-chat-while-open] input[type=checkbox]')].map(
        (c) => c.getAttribute('aria-disabled'),
      ),
      focusKept: document.activeElement === window.chatTestFocus,
      focus: document.activeElement.outerHTML.slice(0, 60),
    }));
    assert.equal(now.status, ended, 'the status region says it too');
    assert.equal(now.statusRole, 'status');
    assert.equal(now.readOnly, true, 'the box can no longer be written in');
    assert.ok(now.controls.length >= 3 && now.controls.every((c) => c === 'true'), 'Send and the email choice are marked as no longer working');
    assert.ok(now.focusKept, `focus moved by itself when the session ended, to ${now.focus}`);
    await s.customerKeys.landed('the session ending');
    await assertNotReloaded(customer, 'the customer');
    await checked(customer, 'ja', 'customer room just after the session ended (live)', { publicPage: true });

    // Loaded again: the conversation to read, and nothing to write in.
    response = await customer.reload();
    assert.equal((await customer.textContent('#chat_state')).trim(), ended);
    assert.equal(await customer.locator('#chat_message').count(), 0);
    const bodies = (await shownMessages(customer)).map((m) => m.body);
    assert.deepEqual(bodies, [SAID.customer1, SAID.staff1, SAID.customer2, SAID.noScript, SAID.staff2]);
    await checked(customer, 'ja', 'customer room after the session ended', { response, publicPage: true });

    // The conversation by email, to the address booked with.
    const mail = await waitForMail(CUSTOMER_EMAIL, (m) => m.includes(SAID.customer1), 'with the conversation');
    for (const said of Object.values(SAID)) assert.ok(mail.includes(said), `the emailed conversation has "${said}"`);
    assert.ok(mail.includes(s.interpreter.displayName) && !mail.includes(s.interpreter.fullName), "the email names the interpreter as customers see them");
    await s.plain.close();
  });
});

test('Nu HTML Checker finds no errors in the chat room pages', () => {
  const errors = vnuErrors(htmlDir).map((line) => `${store.labelFor(line)}: ${line.replace(/^"[^"]*"/, '')}`);
  assert.deepEqual(errors, [], `\n  - ${errors.join('\n  - ')}`);
});
