// The crawler: from a start page, follows every same-origin link, submits every form once
// empty (never sign-out, nothing that ends, cancels or revokes), and checks every page it reaches,
// error-state pages included. One crawl is one visitor (anonymous, a staff role or the demo
// proxy) in one language.
// Links to one path are followed for at most 3 distinct query strings (counted per pathname;
// the bare path, without a query, is not counted), so pages with endless links such as the
// week board's "next week" keep the crawl finite; a path whose queries are a short closed
// list has its own limit (QUERIES_FOR). A form is submitted once per kind: forms
// whose actions differ only in numeric ids (each staff account's, each interpreter's) are
// one kind, since they are drawn by the same code.

import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  axeViolations,
  describeViolations,
  labelProblems,
  preferenceProblems,
  reflowProblems,
  structureProblems,
} from './checks.mjs';

// How many distinct query strings of one pathname the crawler follows.
const QUERIES_PER_PATH = 3;

// Paths whose links carry a closed list of queries, all followed whatever order the links
// come in. The proxy queue has one tab per registration status, six in all (`?status=`
// submitted, under_review, approved, rejected, revoked, expired): each draws its own table
// (approved and expired add the end date), and only the approved tab leads to the demo
// registration's page, so it must not depend on the tabs' order or on another page linking
// to a tab first.
const QUERIES_FOR = new Map([['/staff/proxies', 6]]);

// The last path segments of actions that end something or change someone's standing.
const DESTRUCTIVE = ['deactivate', 'reactivate', 'invite', 'cancel', 'revoke', 'reject', 'delete', 'step-down'];

/**
 * Forms the crawler must never submit: signing out, anything that ends, cancels or revokes,
 * and any form a page marks with `data-destructive`.
 */
export function mustNotSubmit(action, marked = false) {
  const path = new URL(action).pathname;
  const last = path.split('/').pop();
  return marked || path.endsWith('/logout') || DESTRUCTIVE.includes(last);
}

/** Saves raw HTML for the Nu HTML Checker, remembering which page each file is. */
export class HtmlStore {
  constructor(dir) {
    this.dir = dir;
    this.files = new Map();
  }

  save(label, html) {
    const n = String(this.files.size + 1).padStart(3, '0');
    const slug = label.replace(/[^a-z0-9]+/gi, '-').replace(/^-|-$/g, '').slice(0, 80);
    const name = `${n}-${slug}.html`;
    writeFileSync(join(this.dir, name), html);
    this.files.set(name, label);
  }

  /** The page a vnu error line is about. */
  labelFor(line) {
    for (const [name, label] of this.files) if (line.includes(name)) return label;
    return '?';
  }
}

const pathOf = (url) => {
  const u = new URL(url);
  return u.pathname + u.search;
};

/**
 * Runs every page check; returns the problems found. A public page (`publicPage`: one a
 * visitor, a customer or a proxy sees, not the staff area) also meets axe-core's AAA rules
 * and, with each display preference, enhanced contrast, 44 × 44 targets and, with the
 * largest text, a header that fits in 320 px.
 */
export async function checkPage(page, lang, { publicPage = false } = {}) {
  const problems = [];
  problems.push(...describeViolations(await axeViolations(page, { rules: publicPage ? 'aaa' : 'aa' })));
  problems.push(...(await structureProblems(page, lang)));
  problems.push(...(await labelProblems(page)));
  problems.push(...(await reflowProblems(page)));
  if (publicPage) problems.push(...(await preferenceProblems(page)));
  return problems;
}

/** The visitors whose pages are all public: anyone not signed in, and a signed-in proxy. */
export const PUBLIC_VISITORS = ['visitor', 'proxy'];

/**
 * Crawls as one visitor in one language, from `start`: one page, or a list of pages no link
 * leads to (such as a request's thread, opened by the link in an email). `t` is the
 * node:test context: each page becomes a subtest named after who saw it, its status and
 * how it was reached.
 */
export async function crawl({ t, context, base, who, lang, start, store }) {
  const origin = new URL(base).origin;
  const page = await context.newPage();
  const queue = [...new Set([start].flat().map((s) => new URL(s, base).href))];
  const seen = new Set(queue);
  // pathname -> the query strings enqueued for it.
  const queries = new Map();
  const submitted = new Set();
  // The downloads fetched, each once.
  const fetched = new Set();
  const visited = [];
  let csrfProbeDone = false;

  const enqueue = (hrefs) => {
    for (const href of hrefs) {
      let url;
      try {
        url = new URL(href, base);
      } catch {
        continue;
      }
      url.hash = '';
      if (url.origin !== origin) continue;
      // Languages are visited by the cookie, once each, not through the switch links.
      if (url.pathname.startsWith('/language/')) continue;
      if (url.pathname.endsWith('/logout')) continue;
      if (!seen.has(url.href)) {
        if (url.search) {
          const known = queries.get(url.pathname) ?? new Set();
          if (!known.has(url.search) && known.size >= (QUERIES_FOR.get(url.pathname) ?? QUERIES_PER_PATH)) continue;
          known.add(url.search);
          queries.set(url.pathname, known);
        }
        seen.add(url.href);
        queue.push(url.href);
      }
    }
  };

  // Checks the page now shown, as a subtest; returns its links and forms.
  const visit = async (how, response, expect) => {
    const status = response ? response.status() : 0;
    const type = response ? (response.headers()['content-type'] || '') : '';
    const label = `[${who}/${lang}] ${status} ${how}`;
    visited.push(label);
    let found = { links: [], forms: [] };
    await t.test(label, async () => {
      assert.ok(response, 'the browser got no response');
      assert.match(type, /^text\/html/, 'the answer is not an HTML page');
      store.save(label, await response.text());
      found = await page.evaluate(() => ({
        // A link that downloads a file (a CSV export) is fetched, not opened as a page.
        links: [...document.querySelectorAll('a[href]:not([download])')].map((a) => a.href),
        downloads: [...document.querySelectorAll('a[href][download]')].map((a) => a.href),
        forms: [...document.forms].map((f, index, all) => {
          const method = (f.getAttribute('method') || 'get').toLowerCase();
          // Not f.action: a control named "action" (as in the audit filter) shadows it.
          const action = new URL(f.getAttribute('action') ?? '', document.baseURI).href;
          const same = (g) =>
            (g.getAttribute('method') || 'get').toLowerCase() === method &&
            new URL(g.getAttribute('action') ?? '', document.baseURI).href === action;
          return {
            index,
            method,
            action,
            // Which of the forms with this method and action it is.
            nth: all.slice(0, index).filter(same).length,
            csrf: Boolean(f.querySelector('input[name="csrf_token"]')),
            destructive: f.hasAttribute('data-destructive'),
          };
        }),
      }));
      assert.ok(status < 500, `the server failed with ${status}`);
      if (expect) expect(status);
      for (const href of found.downloads) {
        if (fetched.has(href)) continue;
        fetched.add(href);
        const file = await page.request.get(href);
        assert.equal(file.status(), 200, `${href} answers`);
        assert.ok(isDownload(file), `${href} is a download`);
      }
      const problems = await checkPage(page, lang, { publicPage: PUBLIC_VISITORS.includes(who) });
      assert.deepEqual(problems, [], `${label}\n  - ${problems.join('\n  - ')}`);
    });
    return found;
  };

  // A GET form whose action answers with a file (a CSV export's filters) starts a download
  // when sent, not a page: it is fetched instead, as a download link is. Answers whether
  // `href` is such a download, checking it (once) as a subtest when it is.
  const isDownload = (file) => /^attachment/.test(file.headers()['content-disposition'] || '');
  const downloadForm = async (how, href) => {
    const file = await page.request.get(href);
    if (!isDownload(file)) return false;
    if (fetched.has(href)) return true;
    fetched.add(href);
    const label = `[${who}/${lang}] ${file.status()} ${how}`;
    visited.push(label);
    await t.test(label, () => {
      assert.equal(file.status(), 200, `${href} answers`);
    });
    return true;
  };

  // The address a GET form goes to with every typed field given a value that cannot be right.
  const invalidValues = (index) =>
    page.evaluate(
      ({ index }) => {
        const f = document.forms[index];
        const u = new URL(f.getAttribute('action') ?? '', document.baseURI);
        for (const el of [...f.elements]) {
          if (!el.name || el.tagName === 'BUTTON') continue;
          u.searchParams.set(el.name, el.tagName === 'SELECT' ? 'no-such-choice' : 'not-valid');
        }
        return u.href;
      },
      { index },
    );

  // The page at this URL is showing as it was loaded (and checked), no form sent from it yet.
  let untouched = null;

  // Submits `form` of the page at `from`, emptied, through the browser: from the page as it
  // is showing if nothing was sent from it yet, else from the page loaded again. The form is
  // found again by its method and action (the nth of those alike), not by its place on the
  // page: a form sent before may have changed what the page shows (a registration whose
  // review has started loses its "start review" form, and the forms after it move up), and
  // a place would then name another form, maybe one never to be sent. Answers false, sending
  // nothing, when the page no longer has the form or it is now one never to be sent.
  const submitEmpty = async (from, form, { withoutCsrf = false } = {}) => {
    if (untouched !== from) await page.goto(from);
    untouched = null;
    const found = await page.evaluate(
      ({ method, action, nth, withoutCsrf }) => {
        const alike = [...document.forms].filter(
          (f) =>
            (f.getAttribute('method') || 'get').toLowerCase() === method &&
            new URL(f.getAttribute('action') ?? '', document.baseURI).href === action,
        );
        const f = alike[nth];
        if (!f || f.hasAttribute('data-destructive')) return false;
        for (const el of [...f.elements]) {
          if (el.type === 'hidden') {
            if (withoutCsrf && el.name === 'csrf_token') el.remove();
          } else if (el.type === 'radio' || el.type === 'checkbox') el.checked = false;
          else if (el.tagName === 'SELECT') el.selectedIndex = 0;
          else if (el.tagName !== 'BUTTON' && 'value' in el) el.value = '';
        }
        f.setAttribute('data-crawl-sending', '');
        return true;
      },
      { method: form.method, action: form.action, nth: form.nth, withoutCsrf },
    );
    if (!found) return false;
    const button = page
      .locator('form[data-crawl-sending]')
      .locator('button:not([type]), button[type="submit"], input[type="submit"]')
      .first();
    const [response] = await Promise.all([page.waitForNavigation(), button.click()]);
    return response;
  };

  while (queue.length) {
    const url = queue.shift();
    const response = await page.goto(url);
    const landed = page.url();
    seen.add(landed);
    untouched = landed;
    const how = `GET ${pathOf(url)}${landed !== url ? ` → ${pathOf(landed)}` : ''}`;
    const { links, forms } = await visit(how, response, (s) => assert.ok(s < 400, `a link leads to a ${s} page`));
    enqueue(links);

    for (const form of forms) {
      if (new URL(form.action).origin !== origin || mustNotSubmit(form.action, form.destructive)) continue;
      const key = `${form.method} ${new URL(form.action).pathname.replace(/\/\d+(?=\/|$)/g, '/{id}')}`;
      if (submitted.has(key)) continue;
      submitted.add(key);
      const action = pathOf(form.action);

      if (form.method === 'get' && (await downloadForm(`GET ${action} (a form that downloads, empty)`, form.action))) {
        // Sent with values that cannot be right, it answers with a page naming them (or, if
        // it ignores them, with the file).
        if (untouched !== landed) await page.goto(landed);
        untouched = null;
        const invalid = await invalidValues(form.index);
        seen.add(invalid);
        if (!(await downloadForm(`GET ${pathOf(invalid)} (a form that downloads, invalid values)`, invalid))) {
          const r = await page.goto(invalid);
          enqueue((await visit(`GET ${pathOf(invalid)} (invalid values)`, r)).links);
        }
        continue;
      }

      const emptied = await submitEmpty(landed, form);
      if (emptied === false) {
        // What was sent before changed the page, which no longer has this form: the next
        // page with a form of this kind sends it instead.
        submitted.delete(key);
        continue;
      }
      if (emptied) seen.add(page.url());
      const result = await visit(`${form.method.toUpperCase()} ${action} (empty) → ${pathOf(page.url())}`, emptied);
      enqueue(result.links);

      if (form.method === 'get') {
        // A filter form: every typed field given a value that cannot be right.
        const invalid = await invalidValues(form.index);
        seen.add(invalid);
        const r = await page.goto(invalid);
        enqueue((await visit(`GET ${pathOf(invalid)} (invalid values)`, r)).links);
      } else if (form.csrf && !csrfProbeDone) {
        // What a visitor whose browser lost the form's token sees.
        csrfProbeDone = true;
        const r = await submitEmpty(landed, form, { withoutCsrf: true });
        if (r !== false) await visit(`POST ${action} (no CSRF token)`, r, (s) => assert.equal(s, 403));
        else csrfProbeDone = false;
      }
    }
  }

  const missing = `${base}/no-such-page`;
  const r = await page.goto(missing);
  await visit('GET /no-such-page', r, (s) => assert.equal(s, 404));
  await page.close();
  return visited;
}
