// The voice of the customer, from a resolved request to the public page, in real browsers.
// A customer (in Japanese) sends a request; the coordinator opens it from the queue and
// marks it resolved with the keyboard alone, and the customer is emailed "How did it go?".
// The customer follows the email's link and, by keyboard, sends the form once with nothing
// chosen (the error summary takes focus, links to the ease question, and keeps the comment),
// then answers 4 and "a suggestion"; the link opened again says it was answered. An admin
// adds a theme; the coordinator tags the feedback with it, opens an improvement case from it
// with both languages' words, and moves the case to in progress and to done; a supervisor
// publishes it. The public page shows it in Japanese and English with its done date and one
// customer; the triage page's month chart counts the response and its list shows the theme;
// the CSV holds the feedback's reference and comment. Every page on the way is checked
// (axe-core, structure, labels, reflow at 320 px; the customer's pages as public pages) and
// kept for the Nu HTML Checker, each distinct page once.

import test from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { OUT, launch, newContext, server, signIn } from './lib/browser.mjs';
import { HtmlStore, checkPage } from './lib/crawl.mjs';
import { addAxe, vnuErrors } from './lib/checks.mjs';
import { Keys } from './lib/keys.mjs';
import { catalogue } from './lib/catalogue.mjs';
import { waitForEmail } from './lib/mail.mjs';

const { base, password, accounts } = server();
const htmlDir = join(OUT, 'feedback-html');
rmSync(htmlDir, { recursive: true, force: true });
mkdirSync(htmlDir, { recursive: true });
const store = new HtmlStore(htmlDir);

// The customer, as they give their details in the request.
const CUSTOMER = { name: '中村 由紀', email: 'yuki.nakamura@example.jp', memberNumber: 'YN654321' };
const DETAILS = '明細の見方がわかりません。ポイントの欄は何を表していますか。';
// Typed before the first, refused, send, and kept for the second.
const COMMENT = '返事がいつ届くか、最初に教えてもらえると安心です。';
const THEME = { ja: '返信までの日数', en: 'Time to a reply' };
const YOU_SAID = {
  ja: '返事がいつごろ届くのか、お問い合わせの最初に知りたい。',
  en: 'I would like to know, when I send a request, roughly when the answer will come.',
};
const WE_DID = {
  ja: 'お問い合わせを送った直後の画面とメールに、返事が届くまでの目安を書くようにしました。',
  en: 'The page and the email you get after sending a request now say roughly when the answer will come.',
};
// The desk's zone, in which months and days are counted.
const DESK_ZONE = 'Asia/Tokyo';

const pathname = (page) => new URL(page.url()).pathname;
const search = (page) => new URL(page.url()).search;
const text = (page, selector) => page.textContent(selector).then((s) => s.replace(/\s+/g, ' ').trim());
const squeeze = (s) => s.replace(/\s+/g, ' ').trim();
const t = (lang, key, vars = {}) => Object.entries(vars).reduce((s, [k, v]) => s.replace(`{${k}}`, v), catalogue(lang, key));

/** A sentence with plural forms, in the form the language's rules give `count`. */
function tn(lang, key, count, vars = {}) {
  const form = new Intl.PluralRules(lang).select(count);
  let sentence;
  try {
    sentence = catalogue(lang, `${key}[${form}]`);
  } catch {
    sentence = catalogue(lang, `${key}[other]`);
  }
  return Object.entries({ count, ...vars }).reduce((s, [k, v]) => s.replace(`{${k}}`, v), sentence);
}

/** Today in the desk's zone: year, month and day as numbers, and as `YYYY-MM-DD`. */
function deskToday() {
  const format = new Intl.DateTimeFormat('en-CA', { timeZone: DESK_ZONE, year: 'numeric', month: '2-digit', day: '2-digit' });
  const parts = format.formatToParts(new Date());
  const part = (type) => parts.find((p) => p.type === type).value;
  const iso = `${part('year')}-${part('month')}-${part('day')}`;
  return { year: Number(part('year')), month: Number(part('month')), day: Number(part('day')), iso };
}

// What each page was checked as, so that a page drawn the same way again is not checked twice.
const checkedOnce = new Set();

/**
 * Checks the page now shown (unless `once` names a page already checked) and keeps its HTML
 * (the server's answer, or the page as it stands) for the Nu HTML Checker.
 */
async function checked(page, lang, label, { response, publicPage = false, once } = {}) {
  if (once) {
    if (checkedOnce.has(once)) return;
    checkedOnce.add(once);
  }
  store.save(`[feedback/${lang}] ${label}`, response ? await response.text() : await page.content());
  const problems = await checkPage(page, lang, { publicPage });
  assert.deepEqual(problems, [], `${label}\n  - ${problems.join('\n  - ')}`);
}

/** Clicks what `target` finds (a selector's first match, or a locator) and waits for the page it leads to. */
async function follow(page, target) {
  const element = typeof target === 'string' ? page.locator(target).first() : target;
  const [response] = await Promise.all([page.waitForNavigation(), element.click()]);
  return response;
}

/** The link whose whole text is `name`. */
const link = (page, name) => page.getByRole('link', { name, exact: true });

/** The button whose whole text is `name`. */
const button = (page, name) => page.locator('main').getByRole('button', { name, exact: true });

/** Sends the form in main whose action ends with `action`, with its own submit button. */
async function send(page, action) {
  return follow(page, `main form[action$="${action}"] button[type="submit"]`);
}

/**
 * The customer walks the request journey about a statement from /requests/new, answering
 * every question it asks, and presses send. Each page is checked. Answers the press's
 * response.
 */
async function request(page) {
  const lang = 'ja';
  let response = await page.goto(`${base}/requests/new`);
  await checked(page, lang, 'GET /requests/new', { response, publicPage: true });
  response = await follow(page, 'main a[href="/requests/new/topic"]');
  const answers = {
    topic: async () => page.check('input[name="topic"][value="statements"]'),
    details: async () => page.fill('#details', DETAILS),
    'about-you': async () => {
      await page.fill('#name', CUSTOMER.name);
      await page.fill('#member_number', CUSTOMER.memberNumber);
    },
    reply: async () => page.check('input[name="channel"][value="email"]'),
    contact: async () => page.fill('#email', CUSTOMER.email),
  };
  const walked = [];
  for (let i = 0; i < 10 && pathname(page) !== '/requests/new/check'; i++) {
    const slug = pathname(page).replace('/requests/new/', '');
    walked.push(slug);
    await checked(page, lang, `GET /requests/new/${slug}`, { response, publicPage: true });
    assert.ok(answers[slug], `the journey asks ${slug}, which this walk does not know`);
    await answers[slug]();
    response = await send(page, `/requests/new/${slug}`);
  }
  assert.equal(pathname(page), '/requests/new/check', `every question was answered (${walked.join(', ')})`);
  await checked(page, lang, 'GET /requests/new/check', { response, publicPage: true });
  assert.ok((await text(page, 'main')).includes(DETAILS), 'the check page shows what was written');
  return send(page, '/requests/new/check');
}

/** A signed-in staff context in `lang`, with axe-core in its pages, and a page in it. */
async function staffPage(browser, who, lang) {
  const context = await newContext(browser, base, lang);
  await addAxe(context);
  await signIn(context, base, accounts[who], password);
  return context.newPage();
}

/**
 * The month chart of responses on the page now shown: the figure (with its picture) whose
 * caption names it, and the last row of its table (this month, the last month shown) as the
 * month's label and the figure under each column's heading.
 */
async function responsesThisMonth(page, lang) {
  const caption = t(lang, 'feedback_measures.responses.caption');
  const figure = page.locator('main figure', { has: page.locator('figcaption', { hasText: caption }) });
  assert.equal(await figure.count(), 1, 'the month chart of responses is a figure with its caption');
  assert.equal(await figure.locator('svg[role="img"]').count(), 1, 'the figure holds a picture with the image role');
  const tableCaption = t(lang, 'chart.table_caption', { caption });
  const table = page.locator('main table', { has: page.locator('caption', { hasText: tableCaption }) });
  assert.equal(await table.count(), 1, 'the chart has a table of the same figures');
  return table.evaluate((table) => {
    const heads = [...table.querySelectorAll('thead th')].map((th) => th.textContent.trim());
    const last = [...table.querySelectorAll('tbody tr')].at(-1);
    const cells = [...last.children].map((c) => c.textContent.trim());
    return { month: cells[0], byColumn: Object.fromEntries(heads.slice(1).map((h, i) => [h, cells[i + 1]])) };
  });
}

/** The number a chart's table shows, a dash being none. */
const count = (cell) => (cell === '–' || cell === undefined ? 0 : Number(cell));

test('feedback from a resolved request to the public page', { timeout: 240_000 }, async (t0) => {
  const browser = await launch();
  t0.after(() => browser.close());
  // What the steps find, for the steps after them.
  const s = {};
  let broken = false;
  const step = (name, fn) =>
    t0.test(name, { skip: broken && 'an earlier step failed' }, async () => {
      try {
        await fn();
      } catch (e) {
        broken = true;
        throw e;
      }
    });

  await step('1. a customer in Japanese sends a support request', async () => {
    const context = await newContext(browser, base, 'ja');
    await addAxe(context);
    s.customer = await context.newPage();
    const response = await request(s.customer);
    assert.match(pathname(s.customer), /^\/requests\/[0-9a-f]{64}$/, 'sending leads to the thread');
    assert.equal(search(s.customer), '?sent=1');
    s.thread = pathname(s.customer);
    await checked(s.customer, 'ja', 'GET /requests/{token}?sent=1', { response, publicPage: true });
    s.request = (await s.customer.textContent('main .panel .reference')).trim();
    assert.match(s.request, /^R-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
    assert.equal(await s.customer.locator('section.feedback-offer').count(), 0, 'nobody is asked before the request is resolved');
  });

  await step('2. the coordinator opens it from the queue and marks it resolved with the keyboard alone', async () => {
    const lang = 'ja';
    const page = await staffPage(browser, 'coordinator', lang);
    s.coordinator = page;

    // This month's responses about requests before the customer answers, read from the
    // triage page's chart (the page is checked later, once the feedback is there).
    const before = await page.context().newPage();
    await before.goto(`${base}/staff/feedback`);
    const { byColumn } = await responsesThisMonth(before, lang);
    s.requestsBefore = count(byColumn[t(lang, 'feedback_measures.channel.request')]);
    await before.close();

    let response = await page.goto(`${base}/staff/requests`);
    await checked(page, lang, 'GET /staff/requests', { response });
    response = await follow(page, link(page, s.request));
    s.requestPage = pathname(page);
    assert.match(s.requestPage, /^\/staff\/requests\/\d+$/);
    await checked(page, lang, 'GET /staff/requests/{id}', { response });

    const keys = new Keys(page);
    let f = await keys.tabTo((f) => f.id === 'status', 'the new status', 120);
    assert.equal(f.tag, 'select');
    const options = await page.$$eval('#status option', (os) => os.map((o) => o.value));
    const from = options.indexOf(await page.inputValue('#status'));
    const to = options.indexOf('resolved');
    assert.ok(from >= 0 && to > from, `resolved comes after the request's status among ${options}`);
    for (let i = from; i < to; i++) await keys.press('ArrowDown');
    assert.equal(await page.inputValue('#status'), 'resolved', 'the arrow keys choose resolved');
    f = await keys.press('Tab');
    assert.equal(f.tag, 'button', `the button follows the status, not ${f.describe}`);
    assert.equal(f.form, `${s.requestPage}/status`);
    assert.equal(f.text, t(lang, 'requests.detail.set_status'));
    response = await keys.submit('Enter');
    assert.equal(pathname(page), s.requestPage);
    assert.equal(search(page), '?done=status');
    await checked(page, lang, 'GET /staff/requests/{id}?done=status (resolved)', { response });
    assert.equal(await page.inputValue('#status'), 'resolved', 'the request stands resolved');
  });

  await step('3. the customer is asked by email, answers by keyboard once refused, and is thanked once', async () => {
    const page = s.customer;
    const lang = 'ja';
    const subject = t(lang, 'email.feedback.subject');
    const email = await waitForEmail(CUSTOMER.email, (e) => e.subject === subject, `titled "${subject}"`);
    assert.ok(email.text.includes(t(lang, 'email.feedback.ask')), 'the email asks how easy it was');
    const found = email.text.match(new RegExp(`${base}/feedback/[0-9A-Za-z_-]{16,}`));
    assert.ok(found, `the email links the form:\n${email.text}`);
    s.link = found[0];

    // The thread offers the same form, now that the request is resolved.
    let response = await page.goto(`${base}${s.thread}`);
    await checked(page, lang, 'GET /requests/{token} (resolved: feedback offered)', { response, publicPage: true });
    const offer = page.locator('section.feedback-offer');
    assert.equal(await offer.count(), 1, 'the thread offers the feedback form');
    assert.equal(await text(page, 'section.feedback-offer h2'), t(lang, 'feedback.offer.title'));
    assert.equal(await offer.locator('a').getAttribute('href'), `${s.thread}/feedback`);

    response = await page.goto(s.link);
    const form = new URL(s.link).pathname;
    await checked(page, lang, 'GET /feedback/{token}', { response, publicPage: true });
    assert.equal(await text(page, 'h1'), t(lang, 'feedback.title.contact'));
    assert.ok((await text(page, 'main .lead')).includes(s.request), 'the form names the request it asks about');
    assert.ok(
      (await text(page, 'main')).includes(t(lang, 'feedback.staff_named', { name: accounts.coordinator.displayName })),
      'the staff member is named by display name',
    );

    const keys = new Keys(page);
    const checkedValue = (name) => page.$eval(`input[name="${name}"]:checked`, (el) => el.value).catch(() => null);
    const radioValues = (name) => page.$$eval(`input[name="${name}"]`, (els) => els.map((el) => el.value));
    // Past both questions (Tab into a group chooses nothing) to the comment, and send.
    await keys.tabTo((f) => f.id === 'comment', 'the comment box', 80);
    assert.equal(await checkedValue('ease'), null, 'Tab into the ease question chooses nothing');
    assert.equal(await checkedValue('feedback_kind'), null, 'Tab into the kind question chooses nothing');
    await keys.type(COMMENT);
    await keys.tabTo((f) => f.tag === 'button' && f.form === form, 'the send button');
    response = await keys.submit('Enter');

    // Refused: the error summary takes focus and links to the ease question; the comment is kept.
    assert.equal(response.status(), 422);
    await page.waitForFunction(() => document.activeElement?.classList.contains('error-summary'));
    let f = await keys.landed('the rejected page loading');
    assert.ok(f.className.includes('error-summary'), `focus starts on the error summary, not ${f.describe}`);
    await checked(page, lang, 'POST /feedback/{token} (nothing chosen)', { response, publicPage: true });
    const reasons = await page.$$eval('.error-summary a', (as) => as.map((a) => a.textContent.trim()));
    assert.deepEqual(reasons, [t(lang, 'error.ease.missing'), t(lang, 'error.feedback_kind.missing')]);
    assert.equal(await page.inputValue('#comment'), COMMENT, 'the comment is kept');
    f = await keys.press('Tab');
    assert.equal(f.href, '#ease', `the first link leads to the ease question, not ${f.describe}`);
    await keys.moveTo('Enter', 'input#ease', 'Enter on the summary link to the ease question');

    // 4, then "a suggestion", with the arrow keys.
    const eases = await radioValues('ease');
    for (let i = 0; i < eases.indexOf('4'); i++) await keys.press('ArrowDown');
    assert.equal(await checkedValue('ease'), '4');
    f = await keys.press('Tab');
    assert.equal(f.name, 'feedback_kind', `the kind question follows the ease question, not ${f.describe}`);
    const kinds = await radioValues('feedback_kind');
    for (let i = 0; i < kinds.indexOf('suggestion'); i++) await keys.press('ArrowDown');
    assert.equal(await checkedValue('feedback_kind'), 'suggestion');
    f = await keys.press('Tab');
    assert.equal(f.id, 'comment', `the comment follows the kind question, not ${f.describe}`);
    await keys.tabTo((f) => f.tag === 'button' && f.form === form, 'the send button');
    response = await keys.submit('Enter');

    assert.equal(pathname(page), '/feedback/thanks', 'sending leads to the thanks');
    await checked(page, lang, 'GET /feedback/thanks', { response, publicPage: true });
    assert.equal(await text(page, 'h1'), t(lang, 'feedback.thanks.title'));
    assert.equal(await link(page, t(lang, 'feedback.thanks.improvements')).getAttribute('href'), '/improvements');

    // Asked once, answered once.
    response = await page.goto(s.link);
    assert.equal(response.status(), 200);
    await checked(page, lang, 'GET /feedback/{token} (already answered)', { response, publicPage: true });
    assert.equal(await text(page, 'h1'), t(lang, 'feedback.already.title'));
    assert.equal(await page.locator('main form').count(), 0, 'no form to answer again');
  });

  await step('4. an admin adds a theme in both languages', async () => {
    const lang = 'en';
    const page = await staffPage(browser, 'admin', lang);
    let response = await page.goto(`${base}/staff/feedback/themes`);
    await checked(page, lang, 'GET /staff/feedback/themes', { response });
    await page.fill('#theme_ja', THEME.ja);
    await page.fill('#theme_en', THEME.en);
    assert.equal(await text(page, 'main form[action$="/staff/feedback/themes"] button[type="submit"]'), t(lang, 'feedback.themes.add_button'));
    response = await send(page, '/staff/feedback/themes');
    assert.equal(pathname(page), '/staff/feedback/themes');
    assert.equal(search(page), '?saved=1');
    await checked(page, lang, 'GET /staff/feedback/themes?saved=1', { response });
    const section = page.locator('main section.theme', { has: page.locator('h2', { hasText: THEME.en }) });
    assert.equal(await section.count(), 1, 'the new theme is listed under its English name');
    assert.equal(await section.locator('input[name="theme_ja"]').inputValue(), THEME.ja);
    await page.context().close();
  });

  await step('5. the coordinator tags the feedback, opens a case from it and moves the case to done', async () => {
    const lang = 'ja';
    const page = s.coordinator;
    let response = await page.goto(`${base}/staff/feedback`);
    await checked(page, lang, 'GET /staff/feedback', { response, once: 'feedback list' });
    const row = page.locator('main table tbody tr', { hasText: COMMENT });
    assert.equal(await row.count(), 1, 'the feedback is listed with its comment');
    const item = row.locator('a[href^="/staff/feedback/"]');
    s.feedback = (await item.textContent()).trim();
    assert.match(s.feedback, /^F-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
    response = await follow(page, item);
    s.itemPage = pathname(page);
    s.feedbackId = s.itemPage.split('/').pop();
    assert.match(s.itemPage, /^\/staff\/feedback\/\d+$/);
    await checked(page, lang, 'GET /staff/feedback/{id}', { response });
    assert.equal(await text(page, 'h1'), t(lang, 'feedback.item.title', { reference: s.feedback }));
    const facts = await text(page, 'main');
    assert.ok(facts.includes(COMMENT), 'the comment is shown');
    assert.ok(facts.includes(`4 – ${t(lang, 'feedback.ease.4')}`), 'the ease is shown as answered');
    assert.ok(facts.includes(t(lang, 'feedback.kind.suggestion')), 'the kind is shown as answered');

    await page.getByLabel(THEME.ja, { exact: true }).check();
    response = await send(page, s.itemPage);
    assert.equal(pathname(page), s.itemPage);
    assert.equal(search(page), '?saved=1');
    await checked(page, lang, 'GET /staff/feedback/{id}?saved=1', { response });
    assert.ok((await text(page, '.banner')).includes(t(lang, 'feedback.triage.saved')));
    assert.ok(await page.getByLabel(THEME.ja, { exact: true }).isChecked(), 'the theme stays ticked');

    response = await follow(page, link(page, t(lang, 'feedback.triage.new_case')));
    const newCase = `/staff/improvements/new?feedback=${s.feedbackId}`;
    assert.equal(`${pathname(page)}${search(page)}`, newCase);
    await checked(page, lang, 'GET /staff/improvements/new?feedback={id}', { response });
    assert.equal(await page.locator('main table', { hasText: s.feedback }).count(), 1, 'the form shows the feedback it gathers');
    for (const [name, value] of [
      ['you_said_ja', YOU_SAID.ja],
      ['you_said_en', YOU_SAID.en],
      ['we_did_ja', WE_DID.ja],
      ['we_did_en', WE_DID.en],
    ]) {
      await page.fill(`#${name}`, value);
    }
    response = await send(page, newCase);
    s.casePage = pathname(page);
    assert.match(s.casePage, /^\/staff\/improvements\/\d+$/, 'opening the case leads to its page');
    assert.equal(search(page), '?done=opened');
    await checked(page, lang, 'GET /staff/improvements/{id}?done=opened', { response });
    assert.ok((await text(page, '.banner')).includes(t(lang, 'improvements.done.opened')));
    assert.equal(await page.inputValue('#we_did_en'), WE_DID.en, 'the words are kept as written');
    assert.equal(await page.locator('main table', { hasText: s.feedback }).count(), 1, 'the case gathers the feedback');

    for (const [move, status] of [
      ['improvements.move.proposed.in_progress', 'improvements.status.in_progress'],
      ['improvements.move.in_progress.done', 'improvements.status.done'],
    ]) {
      response = await follow(page, button(page, t(lang, move)));
      assert.equal(pathname(page), s.casePage);
      assert.equal(search(page), '?done=moved');
      await checked(page, lang, `GET /staff/improvements/{id}?done=moved (${t('en', status)})`, { response });
      assert.ok((await text(page, '.banner')).includes(t(lang, 'improvements.done.moved')));
      assert.equal(await text(page, 'main dl.summary-list .tag'), t(lang, status));
    }
  });

  await step('6. a supervisor publishes the done case', async () => {
    const lang = 'en';
    const page = await staffPage(browser, 'supervisor', lang);
    let response = await page.goto(`${base}${s.casePage}`);
    await checked(page, lang, 'GET /staff/improvements/{id} (done, to publish)', { response });
    assert.ok((await text(page, 'main')).includes(t(lang, 'improvements.publish.ready')));
    response = await follow(page, button(page, t(lang, 'improvements.publish.button')));
    assert.equal(pathname(page), s.casePage);
    assert.equal(search(page), '?done=published');
    await checked(page, lang, 'GET /staff/improvements/{id}?done=published', { response });
    assert.ok((await text(page, '.banner')).includes(t(lang, 'improvements.done.published')));
    assert.ok((await text(page, 'main')).includes(t(lang, 'improvements.publish.is_published')));
    await page.context().close();
  });

  await step('7. the public page shows the case in Japanese and in English', async () => {
    const page = s.customer;
    const today = deskToday();
    let response = await page.goto(`${base}/improvements`);
    for (const lang of ['ja', 'en']) {
      await checked(page, lang, 'GET /improvements', { response, publicPage: true });
      assert.equal(await page.getAttribute('html', 'lang'), lang);
      assert.equal(await text(page, 'h1'), t(lang, 'improvements.public.title'));
      const card = page.locator('main article', { hasText: WE_DID[lang] });
      assert.equal(await card.count(), 1, `the case is shown with what the desk did, in ${lang}`);
      const body = squeeze(await card.textContent());
      assert.ok(body.includes(YOU_SAID[lang]), 'with what customers said');
      assert.ok(!body.includes(WE_DID[lang === 'ja' ? 'en' : 'ja']), "and not the other language's words");
      const time = card.locator('h2 time');
      assert.equal(await time.getAttribute('datetime'), today.iso, 'done today, in the desk’s zone');
      const day = squeeze(await time.textContent());
      const written = lang === 'ja' ? `${today.year}年${today.month}月${today.day}日` : new RegExp(`\\b${today.day} \\w+ ${today.year}$`);
      if (lang === 'ja') assert.ok(day.startsWith(written), `the done date is written the Japanese way: ${day}`);
      else assert.match(day, written, 'the done date is written the English way');
      assert.equal(squeeze(await card.locator('h2').textContent()), t(lang, 'improvements.public.case_heading', { date: day }));
      assert.equal(squeeze(await card.locator('p.muted').textContent()), tn(lang, 'improvements.public.raised', 1));
      if (lang === 'ja') {
        // The language switch, as a reader would use it; it leads back to this page.
        response = await follow(page, 'nav.language-switch a[hreflang="en"]');
        assert.equal(pathname(page), '/improvements');
      }
    }
  });

  await step("8. the triage page counts this month's response in its chart and lists the theme", async () => {
    const lang = 'ja';
    const page = s.coordinator;
    const response = await page.goto(`${base}/staff/feedback`);
    await checked(page, lang, 'GET /staff/feedback', { response, once: 'feedback list' });
    const { month, byColumn } = await responsesThisMonth(page, lang);
    const today = deskToday();
    assert.equal(month, `${today.year}年${today.month}月`, 'the last row is this month');
    const column = t(lang, 'feedback_measures.channel.request');
    assert.equal(count(byColumn[column]), s.requestsBefore + 1, `this month's responses about requests count the answer: ${JSON.stringify(byColumn)}`);
    const list = page.locator('main table', { has: page.locator('caption', { hasText: t(lang, 'feedback.staff.caption') }) });
    const row = list.locator('tbody tr', { has: link(page, s.feedback) });
    assert.equal(await row.count(), 1, 'the feedback is listed');
    const cells = await row.locator('td').allTextContents();
    const heads = await list.locator('thead th').allTextContents();
    const themes = cells[heads.map((h) => h.trim()).indexOf(t(lang, 'feedback.field.theme'))];
    assert.equal(themes.trim(), THEME.ja, 'the list shows the theme in the reader’s language');
    assert.ok(cells.some((c) => c.includes(COMMENT)), 'and the comment');
  });

  await step('9. the CSV holds the feedback with its reference and comment', async () => {
    const page = s.coordinator;
    const csvLink = page.locator(`main a[href="/staff/feedback/export.csv"]`);
    assert.equal(await csvLink.textContent(), t('ja', 'feedback.staff.export'));
    const response = await page.request.get(`${base}/staff/feedback/export.csv`);
    assert.equal(response.status(), 200);
    assert.match(response.headers()['content-type'], /^text\/csv/);
    const lines = (await response.text()).split(/\r?\n/);
    const line = lines.find((l) => l.startsWith(`${s.feedback},`));
    assert.ok(line, `a row starts with the feedback's reference ${s.feedback}`);
    assert.ok(line.includes(COMMENT), `the row holds the comment: ${line}`);
    assert.ok(line.includes(',request,suggestion,4,'), `the row says what it is about, its kind and ease: ${line}`);
    assert.ok(line.includes(THEME.ja), `the row holds the theme: ${line}`);
  });
});

test('Nu HTML Checker finds no errors in the feedback pages', () => {
  const errors = vnuErrors(htmlDir).map((line) => `${store.labelFor(line)}: ${line.replace(/^"[^"]*"/, '')}`);
  assert.deepEqual(errors, [], `\n  - ${errors.join('\n  - ')}`);
});
