// Every page a visitor, a staff member of each role or the demo proxy can reach, in Japanese
// and English, with its error states: axe-core, structure, labels and reflow on each, then
// the Nu HTML Checker once over all of them.
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
import { addAxe, vnuErrors } from './lib/checks.mjs';
import { seedProxies } from './lib/seed.mjs';

const JOBS = Number(process.env.YORISOI_TEST_CRAWL_JOBS) || 2;

// The crawls, those that reach the most pages first, so that the short ones fill in at the
// end: admin, supervisor and coordinator, then the proxy (from /proxy, where the portal
// starts), the visitor and the interpreter.
const { accounts } = server();
const CRAWLS = [...ROLES.filter((role) => role !== 'interpreter'), 'proxy', 'visitor', 'interpreter'].flatMap((who) =>
  LANGS.map((lang) => ({ who, lang, start: who === 'visitor' ? '/' : homeOf(accounts[who]), name: `${who}/${lang}` })),
);

test('every reachable page passes the checks', { timeout: 8 * 60 * 1000 }, async (t) => {
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
  // customer's sessions.
  await seedProxies(browser, base, accounts, password);
  const copies = serverCopies(CRAWLS.map((c) => c.name));

  // One subtest per crawl, run `jobs` at a time; each page is a subtest of its crawl. The
  // report lists them in this order whichever finishes first.
  const jobs = copies ? JOBS : 1;
  const visited = CRAWLS.map(() => []);
  await t.test(`${CRAWLS.length} crawls, ${jobs} at a time`, { concurrency: jobs }, async (crawls) => {
    await Promise.all(
      CRAWLS.map(({ who, lang, start, name }, i) =>
        crawls.test(`${name} from ${start}`, { concurrency: 1 }, async (one) => {
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

  await t.test(`Nu HTML Checker finds no errors in the ${store.files.size} saved pages`, () => {
    const errors = vnuErrors(htmlDir).map((line) => `${store.labelFor(line)}: ${line.replace(/^"[^"]*"/, '')}`);
    assert.deepEqual(errors, [], `\n  - ${errors.join('\n  - ')}`);
  });
});
