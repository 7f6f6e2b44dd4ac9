// Every page a visitor or a staff member of each role can reach, in Japanese and English,
// with its error states: axe-core, structure, labels and reflow on each, then the Nu HTML
// Checker once over all of them.

import test from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LANGS, OUT, ROLES, launch, newContext, server, setLanguage, signIn } from './lib/browser.mjs';
import { HtmlStore, crawl } from './lib/crawl.mjs';
import { vnuErrors } from './lib/checks.mjs';

test('every reachable page passes the checks', { timeout: 8 * 60 * 1000 }, async (t) => {
  const { base, password, accounts } = server();
  const htmlDir = join(OUT, 'html');
  rmSync(htmlDir, { recursive: true, force: true });
  mkdirSync(htmlDir, { recursive: true });
  const store = new HtmlStore(htmlDir);
  const browser = await launch();
  t.after(() => browser.close());
  const visited = [];

  for (const lang of LANGS) {
    const context = await newContext(browser, base, lang);
    visited.push(...(await crawl({ t, context, base, who: 'visitor', lang, start: '/', store })));
    await context.close();
  }
  for (const role of ROLES) {
    const context = await newContext(browser, base, 'ja');
    await signIn(context, base, accounts[role], password);
    for (const lang of LANGS) {
      await setLanguage(context, base, lang);
      visited.push(...(await crawl({ t, context, base, who: role, lang, start: '/staff', store })));
    }
    await context.close();
  }

  const listing = `${visited.join('\n')}\n\ncrawler visited ${visited.length} pages\n`;
  writeFileSync(join(OUT, 'pages.txt'), listing);
  console.log(`\n${listing}`);
  t.diagnostic(`crawler visited ${visited.length} pages`);
  assert.ok(visited.length >= 40, `only ${visited.length} pages were reached`);

  await t.test(`Nu HTML Checker finds no errors in the ${store.files.size} saved pages`, () => {
    const errors = vnuErrors(htmlDir).map((line) => `${store.labelFor(line)}: ${line.replace(/^"[^"]*"/, '')}`);
    assert.deepEqual(errors, [], `\n  - ${errors.join('\n  - ')}`);
  });
});
