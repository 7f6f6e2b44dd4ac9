// Customer harassment, from the report to the appeal, in real browsers. A customer (in
// Japanese) sends a request; the coordinator opens it from the queue and reports an incident
// about it with the keyboard alone, sending it once without the kind of conduct (the error
// summary takes focus, links to the question, and keeps what was typed). Coordinators and
// interpreters may not read the incidents. A supervisor warns the customer, whose warning
// arrives by email, then proposes a suspension of new requests, which an admin approves. The
// customer's next request meets the calm page that says until when and what is always open;
// a lost card and an accommodation are taken all the same. The customer appeals from the
// notice the suspension's letter links to, by keyboard; the supervisor who proposed it may
// not decide, a second supervisor lifts it with an answer the customer receives, and the
// customer's requests are taken again. Last, "I need support" on a request: the supervisor's
// dashboard shows the call, and the supervisor takes it over by keyboard. Every page on the
// way is checked (axe-core, structure, labels, reflow at 320 px; the customer's pages as
// public pages) and kept for the Nu HTML Checker; a page drawn the same way again, such as a
// step of the request journey walked a second time, is checked once.

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
const htmlDir = join(OUT, 'incidents-html');
rmSync(htmlDir, { recursive: true, force: true });
mkdirSync(htmlDir, { recursive: true });
const store = new HtmlStore(htmlDir);

// The customer, as they give their details in every request.
const CUSTOMER = { name: '石井 健二', email: 'kenji@example.jp', memberNumber: 'KJ123456' };
const DETAILS = {
  statements: '先月の明細に、同じ支払いが二回載っています。',
  lost_stolen: '今朝、駅でカードをなくしました。止めてください。',
  accommodation: '説明をゆっくり、文書でお願いしたいです。',
};
const ACCOUNT = 'お客さまが「役立たず、辞めさせろ」と三回書き、担当者の名前を出して責めました。';
const WARNING = '11月のお問い合わせで、担当者を侮辱する言葉を繰り返し書かれました。';
const SUSPENSION = '警告のあとも、担当者を脅す言葉を書かれたため、新しいお問い合わせの受付を止めます。';
const APPEAL = '二重の引き落としで気が動転していました。申し訳ありませんでした。';
// Written by a supervisor whose pages are in English, in the customer's language.
const ANSWER = 'お気持ちをお伝えいただき、ありがとうございます。受付の停止を解除しました。';
// The desk's zone, in which a measure's last day is given and shown.
const DESK_ZONE = 'Asia/Tokyo';
const REFERENCE = /[A-Z]-[0-9A-Z]{4}-[0-9A-Z]{4}/;

const pathname = (page) => new URL(page.url()).pathname;
const text = (page, selector) => page.textContent(selector).then((s) => s.replace(/\s+/g, ' ').trim());
const t = (lang, key, vars = {}) => Object.entries(vars).reduce((s, [k, v]) => s.replace(`{${k}}`, v), catalogue(lang, key));

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
  store.save(`[incidents/${lang}] ${label}`, response ? await response.text() : await page.content());
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

/** Sends the form in main whose action ends with `action`, with its own submit button. */
async function send(page, action) {
  return follow(page, `main form[action$="${action}"] button[type="submit"]`);
}

/** The desk's date `days` from today, as the form's three boxes take it. */
function deskDay(days) {
  const at = new Date(Date.now() + days * 24 * 60 * 60 * 1000);
  const format = new Intl.DateTimeFormat('en-CA', { timeZone: DESK_ZONE, year: 'numeric', month: 'numeric', day: 'numeric' });
  const parts = format.formatToParts(at);
  const part = (type) => String(Number(parts.find((p) => p.type === type).value));
  return { year: part('year'), month: part('month'), day: part('day') };
}

/**
 * The customer walks the request journey about `topic`, from /requests/new or, given the
 * `response` that showed it, from the topic question now shown; answers every question the
 * journey asks (through the lost-card page when the topic leads there), and presses send.
 * Answers the press's response and the steps walked. Each page is checked the first time
 * it is met.
 */
async function request(page, topic, { response } = {}) {
  const lang = 'ja';
  if (!response) {
    response = await page.goto(`${base}/requests/new`);
    await checked(page, lang, 'GET /requests/new', { response, publicPage: true, once: 'start' });
    response = await follow(page, 'main a[href="/requests/new/topic"]');
  }
  assert.equal(pathname(page), '/requests/new/topic', 'the journey starts with the topic');
  const answers = {
    topic: async () => page.check(`input[name="topic"][value="${topic}"]`),
    details: async () => page.fill('#details', DETAILS[topic]),
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
    await checked(page, lang, `GET /requests/new/${slug}`, { response, publicPage: true, once: slug });
    if (slug === 'lost-card') {
      // On with the request: to the next question, or the answers to check.
      response = await follow(page, 'main a.button');
      continue;
    }
    assert.ok(answers[slug], `the journey asks ${slug}, which this walk does not know`);
    await answers[slug]();
    response = await send(page, `/requests/new/${slug}`);
  }
  assert.equal(pathname(page), '/requests/new/check', `every question was answered (${walked.join(', ')})`);
  await checked(page, lang, 'GET /requests/new/check', { response, publicPage: true, once: 'check' });
  // A request taken up again keeps what it said before; the customer changes it from here.
  if (!(await text(page, 'main')).includes(DETAILS[topic])) {
    response = await follow(page, 'main a[href="/requests/new/details?change=1"]');
    await checked(page, lang, 'GET /requests/new/details?change=1', { response, publicPage: true, once: 'change details' });
    await answers.details();
    response = await follow(page, 'main form[action^="/requests/new/details"] button[type="submit"]');
    walked.push('details?change=1');
    assert.equal(pathname(page), '/requests/new/check', 'a changed answer leads back to the check page');
  }
  assert.ok((await text(page, 'main')).includes(DETAILS[topic]), `the check page shows what was written about ${topic}`);
  response = await send(page, '/requests/new/check');
  return { response, walked };
}

/** Asserts that sending led to the request's thread, and checks it; its reference. */
async function sentToThread(page, response, label) {
  assert.match(pathname(page), /^\/requests\/[0-9a-f]{64}$/, `${label}: sending leads to the thread`);
  assert.equal(new URL(page.url()).search, '?sent=1');
  await checked(page, 'ja', 'GET /requests/{token}?sent=1', { response, publicPage: true, once: 'thread' });
  const reference = (await page.textContent('main .panel .reference')).trim();
  assert.match(reference, /^R-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
  return reference;
}

/**
 * Takes a measure on the incident's page: the radios and boxes `choices` names ticked, the
 * reason, the last day, and a letter in Japanese. Answers the response to sending it.
 */
async function takeMeasure(page, incidentPage, choices, reason, ends) {
  const form = page.locator(`main form[action="${incidentPage}/measures"]`);
  for (const [name, value] of choices) await form.locator(`input[name="${name}"][value="${value}"]`).check();
  await form.locator('#measure_reason').fill(reason);
  // By name: the boxes' order (and so which has the plain id) follows the page's language.
  for (const part of ['year', 'month', 'day']) await form.locator(`input[name="ends-${part}"]`).fill(ends[part]);
  await form.locator('input[name="letter_lang"][value="ja"]').check();
  return send(page, `${incidentPage}/measures`);
}

/** The reference of the one measure on the incident's page that gives `reason`, from its heading. */
async function measureReference(page, reason) {
  const section = page.locator('main section.measure', { hasText: reason });
  assert.equal(await section.count(), 1, `the measure is shown with its reason "${reason}"`);
  const reference = (await section.locator('h3 .nowrap').textContent()).trim();
  assert.match(reference, REFERENCE);
  return reference;
}

/** A signed-in staff context in `lang`, with axe-core in its pages, and a page in it. */
async function staffPage(browser, who, lang) {
  const context = await newContext(browser, base, lang);
  await addAxe(context);
  await signIn(context, base, accounts[who], password);
  return context.newPage();
}

test('customer harassment from the report to the appeal, and a call for support', { timeout: 240_000 }, async (t0) => {
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

  await step('1. a customer sends a request about a statement', async () => {
    const context = await newContext(browser, base, 'ja');
    await addAxe(context);
    s.customer = await context.newPage();
    const { response } = await request(s.customer, 'statements');
    s.request = await sentToThread(s.customer, response, 'the first request');
  });

  await step('2. the coordinator reports an incident about it with the keyboard alone', async () => {
    const lang = 'ja';
    const page = await staffPage(browser, 'coordinator', lang);
    s.coordinator = page;
    let response = await page.goto(`${base}/staff/requests`);
    await checked(page, lang, 'GET /staff/requests', { response });
    response = await follow(page, link(page, s.request));
    s.requestPage = pathname(page);
    assert.match(s.requestPage, /^\/staff\/requests\/\d+$/);
    const requestId = s.requestPage.split('/').pop();
    await checked(page, lang, 'GET /staff/requests/{id}', { response });
    assert.equal(await text(page, '#support h2'), t(lang, 'incident.support.heading'));
    const report = `/staff/incidents/new?request=${requestId}`;
    assert.equal(await text(page, '#support a'), t(lang, 'incident.support.report'));
    assert.equal(await page.getAttribute('#support a', 'href'), report, 'the support box links the report form');
    response = await follow(page, '#support a');
    assert.equal(`${pathname(page)}${new URL(page.url()).search}`, report);
    await checked(page, lang, 'GET /staff/incidents/new?request={id}', { response });
    assert.ok((await text(page, 'main')).includes(CUSTOMER.name), 'the form starts from the request: its customer');
    assert.equal(await page.$eval('input[name="venue"]:checked', (el) => el.value), 'request');

    const keys = new Keys(page);
    const radioValues = (name) => page.$$eval(`input[name="${name}"]`, (els) => els.map((el) => el.value));
    const checkedValue = (name) => page.$eval(`input[name="${name}"]:checked`, (el) => el.value).catch(() => null);
    // Past the kind of conduct (Tab into its group chooses nothing) to what happened.
    let f = await keys.tabTo((f) => f.name === 'category', 'the kind of conduct', 80);
    assert.equal(await checkedValue('category'), null, 'Tab into the group chooses nothing');
    f = await keys.press('Tab');
    assert.equal(f.id, 'account', `after the kinds of conduct comes what happened, not ${f.describe}`);
    await keys.type(ACCOUNT);
    // The two tests: the demand had no reasonable ground, and the manner went beyond what is acceptable.
    f = await keys.tabTo((f) => f.name === 'demand', 'the first test');
    assert.equal(f.id, 'demand');
    const demands = await radioValues('demand');
    for (let i = 0; i < demands.indexOf('unreasonable'); i++) await keys.press('ArrowDown');
    assert.equal(await checkedValue('demand'), 'unreasonable');
    f = await keys.press('Tab');
    assert.equal(f.name, 'manner', `the second test follows the first, not ${f.describe}`);
    const manners = await radioValues('manner');
    for (let i = 0; i < manners.indexOf('unacceptable'); i++) await keys.press('ArrowDown');
    assert.equal(await checkedValue('manner'), 'unacceptable');
    // The reporter is among those affected already.
    assert.equal(await page.locator('input[name="affected"]:checked').count(), 1, 'the reporter comes ticked as affected');
    f = await keys.tabTo((f) => f.name === 'not_accommodation', 'the confirmation that it was no request for an accommodation');
    await keys.press('Space');
    assert.ok(await page.isChecked('input[name="not_accommodation"]'));
    await keys.tabTo((f) => f.tag === 'button' && (f.form ?? '').startsWith('/staff/incidents/new'), 'the send button');
    response = await keys.submit('Enter');

    // Refused: the error summary takes focus and links to the question; nothing typed is lost.
    assert.equal(response.status(), 422);
    await page.waitForFunction(() => document.activeElement?.classList.contains('error-summary'));
    f = await keys.landed('the rejected page loading');
    assert.ok(f.className.includes('error-summary'), `focus starts on the error summary, not ${f.describe}`);
    await checked(page, lang, 'POST /staff/incidents/new?request={id} (no kind of conduct)', { response });
    const reasons = await page.$$eval('.error-summary a', (as) => as.map((a) => a.textContent.trim()));
    assert.deepEqual(reasons, [t(lang, 'error.category.missing')]);
    assert.equal(await page.inputValue('#account'), ACCOUNT, 'what happened is kept');
    assert.equal(await checkedValue('demand'), 'unreasonable', 'the first test is kept');
    assert.equal(await checkedValue('manner'), 'unacceptable', 'the second test is kept');
    assert.ok(await page.isChecked('input[name="not_accommodation"]'), 'the confirmation is kept');
    f = await keys.press('Tab');
    assert.equal(f.href, '#category');
    await keys.moveTo('Enter', 'input#category', 'Enter on the summary link to the kind of conduct');
    const categories = await radioValues('category');
    const wanted = categories.indexOf('abusive_words');
    assert.ok(wanted > 0, `abusive words is one of the kinds: ${categories}`);
    for (let i = 0; i < wanted; i++) await keys.press('ArrowDown');
    assert.equal(await checkedValue('category'), 'abusive_words');
    await keys.tabTo((f) => f.tag === 'button' && (f.form ?? '').startsWith('/staff/incidents/new'), 'the send button', 60);
    response = await keys.submit('Enter');

    // Sent: the coordinator's own report.
    assert.match(pathname(page), /^\/staff\/incidents\/mine\/\d+$/, 'sending leads to the report among their own');
    await checked(page, lang, 'GET /staff/incidents/mine/{id} (the report just sent)', { response });
    assert.ok((await text(page, '.banner')).includes(t(lang, 'incident.done.reported')));
    assert.ok((await text(page, 'main')).includes(ACCOUNT), 'the report reads as it was written');
    s.incident = (await text(page, 'h1')).match(REFERENCE)?.[0];
    assert.ok(s.incident, 'the report has a reference');
    response = await page.goto(`${base}/staff/incidents/mine`);
    await checked(page, lang, 'GET /staff/incidents/mine', { response });
    assert.equal(await link(page, s.incident).count(), 1, 'the report is listed among their own');
  });

  await step('3. coordinators and interpreters may not read the incidents', async () => {
    let response = await s.coordinator.goto(`${base}/staff/incidents`);
    assert.equal(response.status(), 403);
    await checked(s.coordinator, 'ja', 'GET /staff/incidents as a coordinator (403)', { response });
    const interpreter = await staffPage(browser, 'interpreter', 'en');
    response = await interpreter.goto(`${base}/staff/incidents`);
    assert.equal(response.status(), 403);
    await checked(interpreter, 'en', 'GET /staff/incidents as an interpreter (403)', { response });
    await interpreter.context().close();
  });

  await step('4. the supervisor warns the customer, who receives the warning', async () => {
    const lang = 'en';
    const page = await staffPage(browser, 'supervisor', lang);
    s.supervisor = page;
    let response = await page.goto(`${base}/staff/incidents`);
    await checked(page, lang, 'GET /staff/incidents', { response });
    response = await follow(page, link(page, s.incident));
    s.incidentPage = pathname(page);
    assert.match(s.incidentPage, /^\/staff\/incidents\/\d+$/);
    await checked(page, lang, 'GET /staff/incidents/{id}', { response });
    assert.ok((await text(page, 'main')).includes(CUSTOMER.email), "supervisors read the customer's details");

    s.ends = deskDay(60);
    response = await takeMeasure(page, s.incidentPage, [['measure_kind', 'warning']], WARNING, s.ends);
    assert.equal(pathname(page), s.incidentPage);
    assert.equal(new URL(page.url()).search, '?done=measure');
    await checked(page, lang, 'GET /staff/incidents/{id}?done=measure (a warning taken)', { response });
    const reference = await measureReference(page, WARNING);

    const subject = t('ja', 'email.measure.warning.subject', { reference });
    const warning = await waitForEmail(CUSTOMER.email, (e) => e.subject === subject, `titled "${subject}"`);
    assert.ok(warning.text.includes(WARNING), 'the letter gives the reason');
    assert.match(warning.text, new RegExp(`${base}/notices/[0-9a-f]{32,}`), 'the letter links the notice');
    assert.ok(warning.text.includes(`${base}/policy/customer-harassment`), 'the letter links the policy');
  });

  await step('5. the supervisor proposes a suspension of requests, and the admin approves it', async () => {
    const page = s.supervisor;
    const choices = [['measure_kind', 'suspension'], ['suspend', 'requests']];
    let response = await takeMeasure(page, s.incidentPage, choices, SUSPENSION, s.ends);
    assert.equal(new URL(page.url()).search, '?done=proposed');
    await checked(page, 'en', 'GET /staff/incidents/{id}?done=proposed (a suspension proposed)', { response });
    assert.ok((await text(page, 'main')).includes(t('en', 'measure.waiting_second')), 'the proposer is told it waits for someone else');
    assert.equal(await page.locator('main form[action$="/approve"]').count(), 0, 'the proposer has no approve button');
    const reference = await measureReference(page, SUSPENSION);
    s.suspension = reference;

    const lang = 'ja';
    const admin = await staffPage(browser, 'admin', lang);
    response = await admin.goto(`${base}/staff/incidents`);
    await checked(admin, lang, 'GET /staff/incidents (a suspension waiting)', { response });
    const waiting = admin.locator('main ul.list a[href^="/staff/incidents/"]', {
      hasText: t(lang, 'measure.waiting.approval', { reference: s.suspension }),
    });
    assert.equal(await waiting.getAttribute('href'), s.incidentPage, 'the list names what waits, linking the incident');
    assert.equal(await waiting.textContent(), t(lang, 'measure.waiting.approval', { reference: s.suspension }));
    response = await follow(admin, waiting);
    await checked(admin, lang, 'GET /staff/incidents/{id} (a suspension to approve)', { response });
    response = await send(admin, '/approve');
    assert.equal(pathname(admin), s.incidentPage);
    assert.equal(new URL(admin.url()).search, '?done=approved');
    await checked(admin, lang, 'GET /staff/incidents/{id}?done=approved', { response });
    assert.ok((await text(admin, '.banner')).includes(t(lang, 'measure.done.approved')));
    await admin.context().close();

    const subject = t('ja', 'email.measure.suspension.subject', { reference });
    const letter = await waitForEmail(CUSTOMER.email, (e) => e.subject === subject, `titled "${subject}"`);
    assert.ok(letter.text.includes(SUSPENSION), 'the letter gives the reason');
    s.notice = new URL(letter.text.match(new RegExp(`${base}/notices/[0-9a-f]+`))[0]).pathname;
  });

  await step('6. the customer meets the calm page, yet a lost card and an accommodation are taken', async () => {
    const page = s.customer;
    const lang = 'ja';
    const { response } = await request(page, 'statements');
    assert.equal(pathname(page), '/requests/new/limited', 'the press leads to the calm page');
    await checked(page, lang, 'GET /requests/new/limited', { response, publicPage: true });
    assert.equal(await text(page, 'h1'), t(lang, 'held.title'));
    const lead = await text(page, 'main .lead');
    assert.ok(lead.includes(`${s.ends.year}年${s.ends.month}月${s.ends.day}日`), `the page says until when: ${lead}`);
    const open = await page.$$eval('main ul.list--bullet li', (lis) => lis.map((li) => li.textContent.replace(/\s+/g, ' ').trim()));
    const always = ['lost_card', 'unauthorised_use', 'accommodation', 'staff_conduct'].map((k) => t(lang, `measure.open.${k}`));
    for (const line of always) assert.ok(open.includes(line), `the always-open list has "${line}": ${open}`);
    assert.ok(!(await text(page, 'main')).includes(SUSPENSION), 'the reason stays in the letter');

    // Back to the topic, and a lost card instead: through the lost-card page, and sent.
    const change = `main a:text-is("${t(lang, 'held.change_topic')}")`;
    assert.equal(await page.getAttribute(change, 'href'), '/requests/new/topic');
    const lost = await request(page, 'lost_stolen', { response: await follow(page, change) });
    assert.equal(lost.walked[1], 'lost-card', `the lost-card page comes after the topic: ${lost.walked}`);
    await sentToThread(page, lost.response, 'a lost card');
    // And a request for an accommodation.
    const accommodation = await request(page, 'accommodation');
    await sentToThread(page, accommodation.response, 'an accommodation');
  });

  await step('7. the customer appeals from the notice with the keyboard alone', async () => {
    const page = s.customer;
    const lang = 'ja';
    let response = await page.goto(`${base}${s.notice}`);
    await checked(page, lang, 'GET /notices/{token}', { response, publicPage: true });
    assert.equal(await text(page, 'h1'), t(lang, 'notice.title.suspension'));
    assert.ok((await text(page, 'main')).includes(SUSPENSION), 'the notice gives the reason');
    const keys = new Keys(page);
    await keys.tabTo((f) => f.id === 'appeal', 'the appeal box', 80);
    await keys.type(APPEAL);
    const f = await keys.press('Tab');
    assert.equal(f.tag, 'button', `the send button follows the box, not ${f.describe}`);
    assert.equal(f.form, `${s.notice}/appeal`);
    response = await keys.submit('Enter');
    assert.equal(pathname(page), s.notice);
    assert.equal(new URL(page.url()).search, '?sent=1');
    await checked(page, lang, 'GET /notices/{token}?sent=1', { response, publicPage: true });
    assert.ok((await text(page, '.banner')).includes(t(lang, 'notice.appeal_sent')), 'the thank-you notice is shown');
    assert.ok((await text(page, 'main')).includes(APPEAL), 'the appeal is shown');
    assert.equal(await page.locator('textarea[name="appeal"]').count(), 0, 'one appeal at a time: no box for another');
    const subject = t(lang, 'email.measure.appeal_received.subject', { reference: s.suspension });
    await waitForEmail(CUSTOMER.email, (e) => e.subject === subject, `titled "${subject}"`);
  });

  await step('8. a second supervisor, who took no part, lifts the suspension on appeal', async () => {
    const first = s.supervisor;
    let response = await first.goto(`${base}${s.incidentPage}`);
    assert.ok((await text(first, 'main')).includes(t('en', 'measure.appeal.not_yours')), 'the proposer is told another supervisor decides');
    assert.equal(await first.locator('main form[action$="/decide"]').count(), 0, 'the proposer has no form to decide');
    await checked(first, 'en', 'GET /staff/incidents/{id} (an appeal the viewer may not decide)', { response });

    const lang = 'en';
    const second = await staffPage(browser, 'supervisor2', lang);
    response = await second.goto(`${base}/staff/incidents`);
    await checked(second, lang, 'GET /staff/incidents (an appeal waiting)', { response });
    response = await follow(second, `main ul.list a[href="${s.incidentPage}"]`);
    await checked(second, lang, 'GET /staff/incidents/{id} (an appeal to decide)', { response });
    const form = second.locator('main form[action$="/decide"]');
    assert.equal(await form.count(), 1, 'the second supervisor may decide');
    await form.locator('input[name="outcome"][value="lifted"]').check();
    await form.locator('textarea[name="answer"]').fill(ANSWER);
    response = await follow(second, form.locator('button[type="submit"]'));
    assert.equal(pathname(second), s.incidentPage);
    assert.equal(new URL(second.url()).search, '?done=appeal');
    await checked(second, lang, 'GET /staff/incidents/{id}?done=appeal', { response });
    await second.context().close();

    const subject = t('ja', 'email.measure.appeal_lifted.subject', { reference: s.suspension });
    const answered = await waitForEmail(CUSTOMER.email, (e) => e.subject === subject, `titled "${subject}"`);
    assert.ok(answered.text.includes(ANSWER), 'the answer is in the email');
    const again = await request(s.customer, 'statements');
    await sentToThread(s.customer, again.response, 'a request once the suspension is lifted');
  });

  await step('9. "I need support": the supervisor takes the call over with the keyboard', async () => {
    const page = s.coordinator;
    await page.goto(`${base}${s.requestPage}`);
    let response = await send(page, `${s.requestPage}/support`);
    assert.equal(pathname(page), '/staff/incidents/new');
    assert.match(new URL(page.url()).search, /[?&]call=/);
    await checked(page, 'ja', 'GET /staff/incidents/new?call={id}&called=1', { response });
    assert.ok((await text(page, '.banner')).includes(t('ja', 'incident.new.called')), 'the caller is told the supervisors know');

    const lang = 'en';
    const supervisor = s.supervisor;
    response = await supervisor.goto(`${base}/staff`);
    await checked(supervisor, lang, 'GET /staff (a call for support waiting)', { response });
    assert.equal(await text(supervisor, '#support-calls'), t(lang, 'incident.calls.heading'));
    const banner = supervisor.locator('#support-calls + ul');
    assert.equal(await banner.locator(`a[href="${s.requestPage}"]`).count(), 1, 'the call links the request');
    const keys = new Keys(supervisor);
    const take = /^\/staff\/support-calls\/\d+\/take$/;
    const f = await keys.tabTo((f) => f.tag === 'button' && take.test(f.form ?? ''), 'the take button', 60);
    assert.equal(f.text, t(lang, 'incident.calls.take', { name: accounts.coordinator.displayName }));
    response = await keys.submit('Enter');
    assert.equal(pathname(supervisor), s.requestPage, 'taking the call leads to the request');
    await checked(supervisor, lang, 'GET /staff/requests/{id} (a call taken)', { response });
    response = await supervisor.goto(`${base}/staff`);
    assert.equal(await supervisor.locator('#support-calls').count(), 0, 'the call is no longer waiting');
  });
});

test('Nu HTML Checker finds no errors in the incident pages', () => {
  const errors = vnuErrors(htmlDir).map((line) => `${store.labelFor(line)}: ${line.replace(/^"[^"]*"/, '')}`);
  assert.deepEqual(errors, [], `\n  - ${errors.join('\n  - ')}`);
});
