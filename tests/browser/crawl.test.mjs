// Every page a visitor, a staff member of each role or the demo proxy can reach, in Japanese
// and English, with its error states: axe-core, structure, labels and reflow on each, then
// the Nu HTML Checker once over all of them. The pages of the visitor and the proxy, all
// public, also meet axe-core's AAA rules and, with each text size and colour scheme a visitor
// can choose, enhanced contrast and 44 × 44 targets; with the largest text, the header fits
// in 320 px and the page does not scroll sideways.
//
// Each crawl (one visitor or role in one language) runs on its own copy of the server and
// its database, copied when this test starts: what one crawl's forms change, no other crawl
// sees, so the crawls can run side by side (YORISOI_TEST_CRAWL_JOBS at a time, 2 unless
// set) and each one reaches the same pages in whatever order they run. Without the copies
// (when not started by ./run) they run one after another on the one server.

import test from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LANGS, OUT, ROLES, homeOf, launch, newContext, server, serverCopies, signIn } from './lib/browser.mjs';
import { HtmlStore, crawl } from './lib/crawl.mjs';
import { CONTRASTS, PREFERENCES, TEXT_SIZES, addAxe, describePreference, shownPreference, vnuErrors } from './lib/checks.mjs';
import { seedProxies, seedRequests } from './lib/seed.mjs';

const JOBS = Number(process.env.YORISOI_TEST_CRAWL_JOBS) || 2;

// The crawls, those that reach the most pages first, so that the short ones fill in at the
// end: admin, supervisor and coordinator, then the proxy (from /proxy, where the portal
// starts), the visitor and the interpreter. The visitor also starts from the thread of the
// request seeded below, which only the link in its emails leads to, as it is and as the
// confirmation it is just after sending.
const { accounts } = server();
const WHO = [...ROLES.filter((role) => role !== 'interpreter'), 'proxy', 'visitor', 'interpreter'];
const crawlsFrom = (seeded) =>
  WHO.flatMap((who) =>
    LANGS.map((lang) => ({
      who,
      lang,
      start: who === 'visitor' ? ['/', seeded.thread, `${seeded.thread}?sent=1`] : [homeOf(accounts[who])],
      name: `${who}/${lang}`,
    })),
  );

// What each crawl must have checked of support requests, whatever else it finds: each
// pattern matches how one checked page was reached (its label without who, language and
// status: "GET /staff/requests/2", "POST /requests/{token} (empty) → …"), ids and tokens as
// patterns. A crawl that stops short of them fails: say, because a form it sent closed the
// request (so its reply form, or the thread's message form, was gone), or a link went
// missing. The status form is sent emptied, that is with its first choice, "new"; closing
// would be allowed on a copied database, but would take those forms away.
const TOKEN = '[0-9a-f]{64}';
const STAFF_REQUESTS = [
  /^GET \/staff\/requests$/,
  /^GET \/staff\/requests\/\d+$/,
  /^GET \/staff\/requests \(empty\)/,
  ...['reply', 'note', 'assign', 'status'].map((form) => new RegExp(`^POST /staff/requests/\\d+/${form} \\(empty\\)`)),
];
const MUST_REACH = {
  admin: [...STAFF_REQUESTS, /^GET \/staff\/settings\/requests$/, /^POST \/staff\/settings\/requests \(empty\)/],
  supervisor: STAFF_REQUESTS,
  coordinator: STAFF_REQUESTS,
  proxy: [
    /^POST \/proxy\/customers\/\d+\/ask \(empty\) → \/requests\/new\/topic$/,
    /^GET \/proxy\/customers\/\d+\/requests\/\d+$/,
    /^POST \/proxy\/customers\/\d+\/requests\/\d+ \(empty\)/,
  ],
  visitor: [
    /^GET \/requests\/new$/,
    /^GET \/requests\/new\/topic$/,
    /^POST \/requests\/new\/topic \(empty\)/,
    /^GET \/requests\/new\/lost-card$/,
    new RegExp(`^GET /requests/${TOKEN}$`),
    new RegExp(`^GET /requests/${TOKEN}\\?sent=1$`),
    new RegExp(`^POST /requests/${TOKEN} \\(empty\\)`),
    new RegExp(`^POST /requests/${TOKEN}/book \\(empty\\) → /book/day$`),
  ],
  interpreter: [],
};

/** How each checked page of a crawl was reached, from its labels ("[who/lang] status how"). */
const howOf = (labels) => labels.map((label) => label.replace(/^\[[^\]]*\] \d+ /, ''));

// The crawl sees each public page with every display preference by giving its <body> the
// classes the server draws for that choice: this holds the checks to what the site offers.
test('the display preferences the checks try are the ones /preferences offers, drawn as they are tried', async (t) => {
  const { base } = server();
  const browser = await launch();
  t.after(() => browser.close());
  const context = await newContext(browser, base, 'en');
  const page = await context.newPage();
  await page.goto(`${base}/preferences`);
  const offered = await page.evaluate(() => {
    const values = (name) => [...document.querySelectorAll(`input[name="${name}"]`)].map((i) => i.value);
    return { textSizes: values('text_size'), contrasts: values('contrast') };
  });
  assert.deepEqual(offered, { textSizes: TEXT_SIZES, contrasts: CONTRASTS });
  assert.deepEqual(await shownPreference(page), PREFERENCES[0], 'a page before any choice');
  for (const preference of PREFERENCES) {
    await page.goto(`${base}/preferences`);
    await page.check(`input[name="text_size"][value="${preference.textSize}"]`);
    await page.check(`input[name="contrast"][value="${preference.contrast}"]`);
    await Promise.all([page.waitForURL(/\/preferences\?saved=1$/), page.click('main form button[type="submit"]')]);
    await page.goto(`${base}/`);
    assert.deepEqual(await shownPreference(page), preference, `after choosing ${describePreference(preference)}`);
  }
  await context.close();
});

// A bound for a crawl that hangs, not a measure of speed: on two busy cores the crawl has
// taken eight and a half minutes, before the public pages were also checked with each
// display preference.
test('every reachable page passes the checks', { timeout: 14 * 60 * 1000 }, async (t) => {
  const { base, password } = server();
  const htmlDir = join(OUT, 'html');
  rmSync(htmlDir, { recursive: true, force: true });
  mkdirSync(htmlDir, { recursive: true });
  const store = new HtmlStore(htmlDir);
  const browser = await launch();
  t.after(() => browser.close());
  // Before the copies: an application waiting for staff, a session the proxy booked and a
  // customer's request to end the demo registration, so that the staff crawls reach an open
  // registration's page with its forms and the list of requests, and the proxy's crawl the
  // customer's sessions. Then two support requests: a visitor's, with the desk's answer and
  // a staff note, and one the proxy sent, so that the staff crawls reach a request's page
  // with its forms, the proxy's crawl its thread in the portal, and the visitor's the
  // thread by its link.
  // The two are made side by side: neither needs what the other makes.
  const [, seeded] = await Promise.all([
    seedProxies(browser, base, accounts, password),
    seedRequests(browser, base, accounts, password),
  ]);
  const CRAWLS = crawlsFrom(seeded);
  const copies = serverCopies(CRAWLS.map((c) => c.name));

  // One subtest per crawl, run `jobs` at a time; each page is a subtest of its crawl. The
  // report lists them in this order whichever finishes first.
  const jobs = copies ? JOBS : 1;
  const visited = CRAWLS.map(() => []);
  await t.test(`${CRAWLS.length} crawls, ${jobs} at a time`, { concurrency: jobs }, async (crawls) => {
    await Promise.all(
      CRAWLS.map(({ who, lang, start, name }, i) =>
        crawls.test(`${name} from ${start.join(', ')}`, { concurrency: 1 }, async (one) => {
          const target = copies ? await copies.start(name) : { base, stop: async () => {} };
          try {
            const context = await newContext(browser, target.base, lang);
            await addAxe(context);
            if (who !== 'visitor') await signIn(context, target.base, accounts[who], password);
            visited[i] = await crawl({ t: one, context, base: target.base, who, lang, start, store });
            await context.close();
          } finally {
            await target.stop();
          }
        }),
      ),
    );
  });

  const pages = visited.flat();
  const listing = `${pages.join('\n')}\n\ncrawler visited ${pages.length} pages\n`;
  writeFileSync(join(OUT, 'pages.txt'), listing);
  console.log(`\n${listing}`);
  t.diagnostic(`crawler visited ${pages.length} pages`);
  assert.ok(pages.length >= 40, `only ${pages.length} pages were reached`);

  await t.test('each crawl reached the pages of support requests it must', () => {
    const missing = CRAWLS.flatMap(({ who, name }, i) => {
      const hows = howOf(visited[i]);
      return MUST_REACH[who].filter((want) => !hows.some((how) => want.test(how))).map((want) => `${name}: ${want}`);
    });
    assert.deepEqual(missing, [], `not reached:\n  - ${missing.join('\n  - ')}`);
  });

  await t.test(`Nu HTML Checker finds no errors in the ${store.files.size} saved pages`, () => {
    const errors = vnuErrors(htmlDir).map((line) => `${store.labelFor(line)}: ${line.replace(/^"[^"]*"/, '')}`);
    assert.deepEqual(errors, [], `\n  - ${errors.join('\n  - ')}`);
  });
});
