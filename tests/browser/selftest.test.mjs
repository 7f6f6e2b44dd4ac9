// The checker can fail: a small page that breaks the rules on purpose, served by a tiny
// server of its own, must be reported by every check the crawler relies on.

import test from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launch } from './lib/browser.mjs';
import { mustNotSubmit } from './lib/crawl.mjs';
import {
  addAxe,
  axeViolations,
  focusState,
  labelProblems,
  preferenceProblems,
  reflowProblems,
  structureProblems,
  targetProblems,
  vnuErrors,
} from './lib/checks.mjs';

const BROKEN = `<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>Broken on purpose</title>
<style>
  .faint { color: #c8c8c8; background: #fff; }
  .wide { width: 600px; }
  button:focus { outline: none; }
  .grey { color: #767676; background: #fff; }
  body.contrast-high .grey-when-high { color: #767676; }
  .tiny { font-size: 12px; padding: 2px; }
  .masthead a, .big { display: inline-block; min-width: 44px; min-height: 44px; }
  body.text-larger .masthead a { font-size: 2em; white-space: nowrap; }
</style></head>
<body class="text-standard contrast-standard">
<header class="masthead"><a href="/">A name too long for a phone</a></header>
<main>
  <h1>A page that breaks the rules</h1>
  <p class="faint">This text is far too pale to read.</p>
  <p>Your name</p>
  <input type="text" id="name" name="name">
  <label for="search">Search the site</label>
  <input type="text" id="search" name="q" aria-label="Find">
  <div class="wide">A box wider than a phone.</div>
  <button type="button" id="go">Go</button>
  <p class="grey">Grey text that meets 4.5:1 but not 7:1.</p>
  <p class="grey-when-high">Black text, but grey in the high-contrast colours.</p>
  <button type="button" class="tiny">Tiny</button>
  <p><a href="/help" id="alone">Help</a></p>
  <p>Read <a href="/more" id="in-sentence">more about it</a> if you like.</p>
  <p><input type="checkbox" id="agree"><label for="agree">Agree</label></p>
  <p><input type="radio" id="roomy" name="r"><label for="roomy" class="big">A label large enough</label></p>
</main>
</body>
</html>`;

const UNSTRUCTURED = `<!DOCTYPE html>
<html>
<head><meta charset="utf-8"><title> </title></head>
<body><main><h1>One</h1><h1>Two</h1><p>Two main headings and no language.</p></main></body>
</html>`;

const MISLABELLED = `<!DOCTYPE html>
<html lang="ja">
<head><meta charset="utf-8"><title>Written in English</title></head>
<body><main><h1>Written in English</h1><p>This page says it is Japanese, but every word is English.</p></main></body>
</html>`;

// An English page whose conversation is in Japanese: the words people wrote, and their
// names, do not count as the page's language, nor do words marked with a language of their
// own; the same words in the page's own text do.
const JAPANESE_WORDS = 'こんにちは。カードの明細について相談したいです。先月分の明細です。よろしくお願いします。';
const CONVERSATION = (where) => `<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>Chat room</title></head>
<body><main><h1>Chat room</h1>
${{
    thread: `<ol class="thread"><li><p class="thread__meta"><strong>小林 さくら</strong><br><span>Mon 30 Nov</span></p><div class="thread__body">${JAPANESE_WORDS}</div></li></ol>`,
    marked: `<p>Subject: <span lang="ja">${JAPANESE_WORDS}</span></p>`,
    page: `<p>${JAPANESE_WORDS}</p>`,
  }[where]}
</main></body>
</html>`;

const PAGES = {
  '/unstructured': UNSTRUCTURED,
  '/mislabelled': MISLABELLED,
  '/conversation': CONVERSATION('thread'),
  '/marked': CONVERSATION('marked'),
  '/not-a-conversation': CONVERSATION('page'),
};

async function serve() {
  const server = createServer((req, res) => {
    const body = PAGES[req.url] ?? BROKEN;
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(body);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, base: `http://127.0.0.1:${server.address().port}` };
}

test('the checks report a page that breaks the rules', async (t) => {
  const { server, base } = await serve();
  const browser = await launch();
  t.after(async () => {
    await browser.close();
    server.close();
  });
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  // As the crawl does: axe-core put into every page as Chromium creates it.
  await addAxe(context);
  const page = await context.newPage();
  await page.goto(`${base}/broken`);

  await t.test('axe-core reports the unlabelled input and the pale text', async () => {
    const ids = (await axeViolations(page)).map((v) => v.id);
    assert.ok(ids.includes('label'), `axe found ${ids.join(', ') || 'nothing'}`);
    assert.ok(ids.includes('color-contrast'), `axe found ${ids.join(', ') || 'nothing'}`);
    // And where axe-core was not put in beforehand, as in a context without addAxe.
    const bare = await (await browser.newContext()).newPage();
    await bare.goto(`${base}/broken`);
    const bareIds = (await axeViolations(bare)).map((v) => v.id);
    assert.deepEqual(bareIds.sort(), [...ids].sort());
  });

  await t.test("axe-core's AAA rules report text below 7:1 that the AA rules let pass", async () => {
    const aaa = await axeViolations(page, { rules: 'aaa' });
    const enhanced = aaa.find((v) => v.id === 'color-contrast-enhanced');
    assert.ok(enhanced?.nodes.some((n) => n.startsWith('.grey:')), JSON.stringify(aaa, null, 1));
    const aa = await axeViolations(page);
    assert.ok(!aa.some((v) => v.id === 'color-contrast-enhanced'), 'AA alone does not run the AAA rules');
    assert.ok(!aa.find((v) => v.id === 'color-contrast').nodes.some((n) => n.startsWith('.grey:')), 'grey passes AA');
  });

  await t.test('the target check reports targets under 44 × 44, not a link in a sentence nor a box with a large label', async () => {
    const problems = await targetProblems(page);
    const about = (what) => problems.some((p) => p.startsWith(what));
    assert.ok(about('button.tiny "Tiny" is '), problems.join('\n'));
    assert.ok(about('a#alone[href="/help"] "Help" is '), problems.join('\n'));
    assert.ok(about('input#agree is '), problems.join('\n'));
    assert.ok(about('input#name is '), problems.join('\n'));
    assert.ok(!problems.some((p) => p.includes('#in-sentence')), 'a link in a sentence is exempt');
    assert.ok(!problems.some((p) => p.includes('#roomy')), 'a radio whose label is large enough passes');
    assert.ok(!problems.some((p) => p.includes('masthead') || p.includes('href="/"')), problems.join('\n'));
  });

  await t.test('the preference check reports contrast seen only in one colour scheme and a header too wide at the largest text', async () => {
    const classes = await page.evaluate(() => document.body.className);
    const problems = await preferenceProblems(page);
    assert.ok(
      problems.some((p) => p.startsWith('[text standard, colours high] axe color-contrast-enhanced') && p.includes('.grey-when-high')),
      problems.join('\n'),
    );
    assert.ok(!problems.some((p) => p.startsWith('[text standard, colours standard] axe')), "the preference the page was drawn with is left to the page's own axe run");
    assert.ok(problems.some((p) => p.startsWith('[text larger, colours standard] header does not fit in 320 px')), problems.join('\n'));
    assert.ok(!problems.some((p) => p.startsWith('[text standard, colours standard] header')), 'the header fits with the standard text');
    assert.ok(problems.some((p) => p.startsWith('[text large, colours high] button.tiny')), 'targets are checked with every preference');
    assert.equal(await page.evaluate(() => document.body.className), classes, 'the page gets its own classes back');
  });

  await t.test('the label check reports the input without a label, and a name that hides its label', async () => {
    const problems = await labelProblems(page);
    assert.ok(problems.some((p) => p.startsWith('input[type=text]#name has no visible label')), problems.join('\n'));
    assert.ok(problems.some((p) => p.includes('#search') && p.includes('"Search the site"')), problems.join('\n'));
    assert.ok(!problems.some((p) => p.includes('#go')), 'the button is labelled by its text');
  });

  await t.test('the reflow check reports a box wider than 320 px', async () => {
    const problems = await reflowProblems(page);
    assert.equal(problems.length, 1);
    assert.match(problems[0], /scrolls sideways at 320 px/);
    assert.match(problems[0], /div\.wide/);
  });

  await t.test('the focus check reports a control whose focus cannot be seen', async () => {
    await page.focus('#go');
    assert.equal((await focusState(page)).visible, false);
    await page.focus('#search');
    assert.equal((await focusState(page)).visible, true, "Chromium's own focus ring counts as visible");
  });

  await t.test('the structure check reports headings, title and language', async () => {
    assert.deepEqual(await structureProblems(page, 'en'), []);
    assert.ok((await structureProblems(page, 'ja')).some((p) => p.includes('was asked for ja')));
    await page.goto(`${base}/unstructured`);
    const problems = await structureProblems(page, 'en');
    assert.ok(problems.includes('has 2 <h1> elements, not exactly one'), problems.join('\n'));
    assert.ok(problems.includes('has an empty <title>'), problems.join('\n'));
    assert.ok(problems.includes('has no <html lang>'), problems.join('\n'));
    await page.goto(`${base}/mislabelled`);
    const mislabelled = await structureProblems(page, 'ja');
    assert.ok(mislabelled.some((p) => p.includes('its text reads as en')), mislabelled.join('\n'));
    await page.goto(`${base}/conversation`);
    assert.deepEqual(await structureProblems(page, 'en'), [], 'a conversation in another language is not the page\'s');
    await page.goto(`${base}/marked`);
    assert.deepEqual(await structureProblems(page, 'en'), [], 'words marked with their own language are not the page\'s');
    await page.goto(`${base}/not-a-conversation`);
    const outside = await structureProblems(page, 'en');
    assert.ok(outside.some((p) => p.includes('its text reads as ja')), outside.join('\n'));
  });

  await t.test('the Nu HTML Checker reports invalid HTML', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vnu-'));
    try {
      writeFileSync(join(dir, 'invalid.html'), '<!DOCTYPE html><html lang="en"><head><title>x</title></head><body><p class="a" class="b">x</p><input type="date" value="soon"></body></html>');
      writeFileSync(join(dir, 'valid.html'), '<!DOCTYPE html><html lang="en"><head><title>x</title></head><body><p>x</p></body></html>');
      const errors = vnuErrors(dir);
      assert.ok(errors.some((e) => e.includes('invalid.html') && /Duplicate attribute/.test(e)), errors.join('\n'));
      assert.ok(errors.some((e) => e.includes('invalid.html') && /Bad value/.test(e)), errors.join('\n'));
      assert.ok(!errors.some((e) => e.includes('/valid.html"')), errors.join('\n'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

test('the crawler never submits sign-out or anything that ends, cancels or revokes', () => {
  const destructive = [
    '/staff/logout',
    '/proxy/logout',
    '/staff/users/3/deactivate',
    '/staff/users/3/reactivate',
    '/staff/users/3/invite',
    '/book/manage/abc/cancel',
    '/staff/proxies/4/revoke',
  ];
  for (const path of destructive) {
    assert.equal(mustNotSubmit(`http://127.0.0.1:1${path}`), true, path);
  }
  for (const path of ['/staff/login', '/staff/users/3', '/preferences', '/staff/audit', '/staff/outbox/2/retry']) {
    assert.equal(mustNotSubmit(`http://127.0.0.1:1${path}`), false, path);
  }
  assert.equal(mustNotSubmit('http://127.0.0.1:1/staff/users/3', true), true, 'a form marked data-destructive');
});
