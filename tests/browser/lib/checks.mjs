// The checks run on every page. Each returns a list of problems, as sentences a person can
// act on; an empty list means the page passed. The self-test feeds them a broken page to
// show that they can fail.

import AxeBuilderModule from '@axe-core/playwright';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { HERE, NARROW } from './browser.mjs';

const AxeBuilder = AxeBuilderModule.default ?? AxeBuilderModule;

export const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];
// What public pages meet besides: WCAG's AAA rules, among them enhanced contrast (7:1 for
// text, 4.5:1 for large text).
export const AXE_AAA_TAGS = [...AXE_TAGS, 'wcag2aaa'];
// The rule whose answer depends on the colours and text size a visitor chose: enhanced
// contrast, which fails wherever AA's contrast rule would (its thresholds are higher), so
// that rule is not run again beside it.
const CONTRAST_RULES = ['color-contrast-enhanced'];

// Every rule with these tags runs on every element; only the passes and the rules that did
// not apply are not listed node by node (axe then keeps one node of each), which is where
// much of its time went.
const axeOptions = (runOnly) => ({ runOnly, resultTypes: ['violations'] });
const AXE_RUNS = {
  aa: axeOptions({ type: 'tag', values: AXE_TAGS }),
  aaa: axeOptions({ type: 'tag', values: AXE_AAA_TAGS }),
  contrast: axeOptions({ type: 'rule', values: CONTRAST_RULES }),
};

// The axe-core that @axe-core/playwright brings, in its minified build: half the bytes to
// send and to parse.
const requireHere = createRequire(import.meta.url);
const AXE_SOURCE = readFileSync(
  createRequire(requireHere.resolve('@axe-core/playwright')).resolve('axe-core/axe.min.js'),
  'utf8',
);

/**
 * Has Chromium put axe-core into every page of `context` as the page is created, so that
 * it is not sent over for each page checked.
 */
export async function addAxe(context) {
  await context.addInitScript({ content: AXE_SOURCE });
}

/**
 * axe-core's WCAG 2.0–2.2 A and AA rules; with `rules: 'aaa'` the AAA rules too, and with
 * `rules: 'contrast'` only enhanced contrast (AAA). A page without frames (all of
 * Yorisoi's) is checked in one call, with axe-core put in first unless `addAxe` did it
 * already; a page with frames gets @axe-core/playwright's way, which runs axe in every frame
 * and puts the results together.
 */
export async function axeViolations(page, { rules = 'aa' } = {}) {
  const options = AXE_RUNS[rules];
  let results;
  if (page.frames().length > 1) {
    results = await new AxeBuilder({ page }).options(options).analyze();
  } else {
    if (!(await page.evaluate(() => typeof window.axe?.run === 'function'))) await page.evaluate(AXE_SOURCE);
    results = await page.evaluate(
      (options) => window.axe.run(document, options).then((r) => ({ violations: r.violations })),
      options,
    );
  }
  return results.violations.map((v) => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    nodes: v.nodes.map((n) => `${n.target.join(' ')}: ${n.failureSummary.replace(/\s+/g, ' ')}`),
  }));
}

export function describeViolations(violations) {
  return violations.map((v) => `axe ${v.id} (${v.impact}): ${v.help}\n      ${v.nodes.join('\n      ')}`);
}

// Kana appear in any Japanese sentence and in no English one.
const KANA = /[\u3040-\u30ff]/g;
const LETTER = /[\p{L}]/gu;

/** One `<h1>`, a title, `<html lang>` that matches the language the page is written in. */
export async function structureProblems(page, lang) {
  const info = await page.evaluate(() => {
    const main = document.querySelector('main');
    let text = `${document.title} ${(main || document.body).innerText}`;
    // What people wrote in a thread or a chat, and their names, are in whatever language
    // they wrote them in, not the page's; so is a part marked with a language of its own
    // (WCAG 3.1.2), such as an email's subject in the outbox.
    const page = document.documentElement.getAttribute('lang');
    const ownLanguage = [...(main || document.body).querySelectorAll('[lang]')].filter((el) => el.getAttribute('lang') !== page);
    for (const el of [...document.querySelectorAll('.thread__body, .thread__meta > strong:first-child'), ...ownLanguage]) {
      text = text.replace(el.innerText, ' ');
    }
    return {
      h1: document.querySelectorAll('h1').length,
      title: document.title.trim(),
      lang: document.documentElement.getAttribute('lang'),
      text,
      summaryLinks: document.querySelectorAll('.error-summary a').length,
    };
  });
  const problems = [];
  if (info.h1 !== 1) problems.push(`has ${info.h1} <h1> elements, not exactly one`);
  if (!info.title) problems.push('has an empty <title>');
  if (!info.lang) problems.push('has no <html lang>');
  else if (lang && info.lang !== lang) problems.push(`has <html lang="${info.lang}"> but was asked for ${lang}`);
  const letters = (info.text.match(LETTER) || []).length;
  const kana = (info.text.match(KANA) || []).length;
  // Japanese prose is mostly kana; an English page may quote a Japanese name or two.
  const shown = kana >= 5 && kana / letters > 0.1 ? 'ja' : 'en';
  if (info.lang && shown !== info.lang) {
    problems.push(`says <html lang="${info.lang}"> but its text reads as ${shown} (${kana} kana of ${letters} letters)`);
  }
  if (info.summaryLinks > 0) {
    const count = Number((info.title.match(/\d+/) || [])[0]);
    if (count !== info.summaryLinks) {
      problems.push(`shows ${info.summaryLinks} errors but its title "${info.title}" does not start with that count`);
    }
  }
  return problems;
}

/** At 320 CSS px wide the page must not scroll sideways (WCAG 1.4.10 reflow). */
export async function reflowProblems(page) {
  const before = page.viewportSize();
  await page.setViewportSize(NARROW);
  try {
    const r = await page.evaluate(() => {
      const d = document.documentElement;
      const culprits = [];
      if (d.scrollWidth > d.clientWidth) {
        for (const el of document.body.querySelectorAll('*')) {
          const right = el.getBoundingClientRect().right;
          if (right > d.clientWidth + 0.5 && el.checkVisibility()) {
            const name = el.tagName.toLowerCase() + (el.id ? `#${el.id}` : '') + [...el.classList].map((c) => `.${c}`).join('');
            culprits.push(`${name} (right edge ${Math.round(right)} px)`);
          }
        }
      }
      return { scrollWidth: d.scrollWidth, clientWidth: d.clientWidth, culprits: culprits.slice(0, 6) };
    });
    return r.scrollWidth <= r.clientWidth
      ? []
      : [`scrolls sideways at ${NARROW.width} px: ${r.scrollWidth} > ${r.clientWidth}; widest: ${r.culprits.join(', ')}`];
  } finally {
    if (before) await page.setViewportSize(before);
  }
}

// The display preferences a visitor can choose on /preferences (domain/prefs.rs): the
// server draws them as two classes on <body>, `text-{size} contrast-{colours}`, and the
// stylesheet does the rest. The first of each is what a page shows before any choice.
export const TEXT_SIZES = ['standard', 'large', 'larger'];
export const CONTRASTS = ['standard', 'high'];
export const PREFERENCES = TEXT_SIZES.flatMap((textSize) => CONTRASTS.map((contrast) => ({ textSize, contrast })));
export const LARGEST_TEXT = TEXT_SIZES.at(-1);
export const describePreference = ({ textSize, contrast }) => `text ${textSize}, colours ${contrast}`;

/** The preferences the page now shown was drawn with, read from its <body>. */
export async function shownPreference(page) {
  return page.evaluate(() => {
    const of = (prefix) => [...document.body.classList].find((c) => c.startsWith(prefix))?.slice(prefix.length) ?? null;
    return { textSize: of('text-'), contrast: of('contrast-') };
  });
}

/**
 * Runs `check` on the page now shown as it looks with `preference`: the page's <body> gets
 * the classes the server gives a visitor with that choice (the suite checks that it does),
 * so that a page that took a form to reach, such as a rejected answer, is seen with every
 * choice without being sent again. The page's own classes are put back afterwards.
 */
export async function withPreference(page, { textSize, contrast }, check) {
  const before = await page.evaluate(
    ({ textSize, contrast }) => {
      const body = document.body;
      const was = body.className;
      const kept = [...body.classList].filter((c) => !/^(text|contrast)-/.test(c));
      body.className = [...kept, `text-${textSize}`, `contrast-${contrast}`].join(' ');
      return was;
    },
    { textSize, contrast },
  );
  try {
    return await check();
  } finally {
    await page.evaluate((was) => {
      document.body.className = was;
    }, before);
  }
}

// WCAG 2.5.5 (AAA): a pointer target is at least 44 by 44 CSS px.
export const TARGET_MIN = 44;

/**
 * Every visible target a pointer can activate — links, buttons, form controls, anything
 * made focusable — is at least 44 × 44 CSS px (WCAG 2.5.5, AAA), measured in the browser.
 * As the criterion allows: a link inside running text (its block has words besides links)
 * is exempt, and a radio or checkbox counts its label, which chooses it too, as its target
 * when that label is large enough.
 */
export async function targetProblems(page) {
  return page.evaluate((min) => {
    const problems = [];
    const INTERACTIVE = 'a[href], button, input, select, textarea, summary, [tabindex]:not([tabindex="-1"])';
    const describe = (el) => {
      // A box's value is no name: a field's is what was typed, a radio's what it sends.
      const named = el.tagName !== 'INPUT' || ['submit', 'button', 'reset'].includes(el.type);
      const text = ((named && (el.innerText || el.value)) || el.getAttribute('aria-label') || '').replace(/\s+/g, ' ').trim().slice(0, 30);
      const id = el.id ? `#${el.id}` : el.getAttribute('name') ? `[name=${el.getAttribute('name')}]` : '';
      const classes = [...el.classList].map((c) => `.${c}`).join('');
      const href = el.getAttribute('href') ? `[href="${el.getAttribute('href')}"]` : '';
      return `${el.tagName.toLowerCase()}${id}${classes}${href}${text ? ` "${text}"` : ''}`;
    };
    const size = (el) => {
      const r = el.getBoundingClientRect();
      return { width: r.width, height: r.height };
    };
    const bigEnough = ({ width, height }) => width >= min - 0.01 && height >= min - 0.01;
    // The block an inline element's text runs in.
    const blockOf = (el) => {
      let block = el.parentElement;
      while (block && ['inline', 'contents'].includes(getComputedStyle(block).display)) block = block.parentElement;
      return block ?? document.body;
    };
    // Whether a link sits in running text: words in its block that are not in a link or a
    // control, nor hidden from sight.
    const inSentence = (el) => {
      if (el.tagName !== 'A' || getComputedStyle(el).display !== 'inline') return false;
      const block = blockOf(el);
      const walker = document.createTreeWalker(block, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        if (!/[\p{L}\p{N}]/u.test(node.data)) continue;
        const parent = node.parentElement;
        if (parent.closest(INTERACTIVE) || parent.closest('label') || !parent.checkVisibility({ visibilityProperty: true })) continue;
        if (parent.closest('.visually-hidden')) continue;
        return true;
      }
      return false;
    };
    for (const el of document.body.querySelectorAll(INTERACTIVE)) {
      if (el.type === 'hidden' || el.disabled) continue;
      if (!el.checkVisibility({ visibilityProperty: true, opacityProperty: true })) continue;
      // Hidden until focused (the skip link) is still a target when shown; hidden for good
      // (visually hidden text) is none.
      if (el.closest('.visually-hidden')) continue;
      if (inSentence(el)) continue;
      const own = size(el);
      if (bigEnough(own)) continue;
      if (el.tagName === 'INPUT' && ['radio', 'checkbox'].includes(el.type)) {
        const labels = [...(el.labels ?? [])].filter((l) => l.checkVisibility());
        if (labels.some((l) => bigEnough(size(l)))) continue;
        const sizes = labels.map((l) => size(l)).map((s) => `${Math.round(s.width)}×${Math.round(s.height)}`);
        problems.push(
          `${describe(el)} is ${Math.round(own.width)}×${Math.round(own.height)} px and its label ${sizes.join(', ') || '(none)'}: smaller than ${min}×${min}`,
        );
        continue;
      }
      problems.push(`${describe(el)} is ${Math.round(own.width)}×${Math.round(own.height)} px, smaller than ${min}×${min}`);
    }
    return problems;
  }, TARGET_MIN);
}

/**
 * At 320 CSS px wide, the page's header (the site's name, the language switch, and a
 * proxy's or staff member's navigation) fits inside the window: nothing in it reaches past
 * either edge. Call it with the largest text size shown.
 */
export async function headerProblems(page) {
  const before = page.viewportSize();
  await page.setViewportSize(NARROW);
  try {
    return await page.evaluate(() => {
      const header = document.querySelector('body > header');
      if (!header) return ['has no page header'];
      const width = document.documentElement.clientWidth;
      const outside = [];
      for (const el of [header, ...header.querySelectorAll('*')]) {
        if (!el.checkVisibility() || el.closest('.visually-hidden')) continue;
        const r = el.getBoundingClientRect();
        if (r.right > width + 0.5 || r.left < -0.5) {
          const name = el.tagName.toLowerCase() + [...el.classList].map((c) => `.${c}`).join('');
          outside.push(`${name} (${Math.round(r.left)} to ${Math.round(r.right)} px)`);
        }
      }
      return outside.length || header.scrollWidth > width
        ? [`header does not fit in ${width} px (${header.scrollWidth} px wide): ${outside.slice(0, 6).join(', ')}`]
        : [];
    });
  } finally {
    if (before) await page.setViewportSize(before);
  }
}

/**
 * What a public page must meet with each display preference a visitor can choose: enhanced
 * contrast in every text size and colour scheme other than the one the page was drawn
 * with (whose check is the page's own axe run), targets of 44 × 44 in every
 * one, and, with the largest text size, a header that fits in 320 px and a page that does
 * not scroll sideways there. Each problem is prefixed with the preference it was seen with.
 */
export async function preferenceProblems(page) {
  const shown = await shownPreference(page);
  const problems = [];
  for (const preference of PREFERENCES) {
    const drawn = preference.textSize === shown.textSize && preference.contrast === shown.contrast;
    // The layout does not change with the colours: the narrow window is tried once.
    const narrow = preference.textSize === LARGEST_TEXT && preference.contrast === CONTRASTS[0];
    const found = await withPreference(page, preference, async () => [
      ...(drawn ? [] : describeViolations(await axeViolations(page, { rules: 'contrast' }))),
      ...(await targetProblems(page)),
      ...(narrow ? [...(await headerProblems(page)), ...(await reflowProblems(page))] : []),
    ]);
    problems.push(...found.map((p) => `[${describePreference(preference)}] ${p}`));
  }
  return problems;
}

const normalise = (s) => (s || '').replace(/\s+/g, ' ').trim().toLowerCase();

/**
 * Every visible form control has a visible label, and its accessible name (as Chromium
 * computes it for assistive technology) contains that label's text (WCAG 2.5.3).
 */
export async function labelProblems(page) {
  const controls = await page.evaluate(() => {
    const found = [];
    document.querySelectorAll('input, select, textarea, button').forEach((el, index) => {
      if (el.type === 'hidden' || !el.checkVisibility({ visibilityProperty: true })) return;
      let label;
      if (el.tagName === 'BUTTON') label = el.innerText;
      else if (el.tagName === 'INPUT' && ['submit', 'button', 'reset', 'image'].includes(el.type)) label = el.value || el.alt;
      else label = [...(el.labels || [])].filter((l) => l.checkVisibility()).map((l) => l.innerText).join(' ');
      el.setAttribute('data-label-check', String(index));
      const what = `${el.tagName.toLowerCase()}${el.type ? `[type=${el.type}]` : ''}${el.id ? `#${el.id}` : el.name ? `[name=${el.name}]` : ''}`;
      found.push({ index, label, what });
    });
    return found;
  });
  // Chromium's accessible names, asked for all the controls at once: one call finds the
  // marked elements in the DOM, then each one's name is asked for without waiting for the
  // answer about the one before.
  const cdp = await page.context().newCDPSession(page);
  const problems = [];
  try {
    const { root } = await cdp.send('DOM.getDocument', { depth: -1 });
    const marked = new Map();
    const walk = (node) => {
      const attributes = node.attributes ?? [];
      for (let i = 0; i < attributes.length; i += 2) {
        if (attributes[i] === 'data-label-check') marked.set(Number(attributes[i + 1]), node.backendNodeId);
      }
      for (const child of node.children ?? []) walk(child);
    };
    walk(root);
    const names = await Promise.all(
      controls.map(async (control) => {
        const backendNodeId = marked.get(control.index);
        if (backendNodeId === undefined) throw new Error(`${control.what} was not found in the DOM`);
        const { nodes } = await cdp.send('Accessibility.getPartialAXTree', { backendNodeId, fetchRelatives: false });
        return nodes[0]?.name?.value ?? '';
      }),
    );
    controls.forEach((control, i) => {
      const name = names[i];
      const label = normalise(control.label);
      if (!label) problems.push(`${control.what} has no visible label (accessible name "${name}")`);
      else if (!normalise(name).includes(label)) {
        problems.push(`${control.what}: accessible name "${name}" does not contain its visible label "${control.label.trim()}"`);
      }
    });
  } finally {
    await cdp.detach();
    await page.evaluate(() => document.querySelectorAll('[data-label-check]').forEach((el) => el.removeAttribute('data-label-check')));
  }
  return problems;
}

/** Whether the focused element shows that it has focus: an outline or a box shadow. */
export async function focusState(page) {
  return page.evaluate(() => {
    const el = document.activeElement;
    const cs = getComputedStyle(el);
    const width = parseFloat(cs.outlineWidth) || 0;
    const transparent = /rgba\(.*,\s*0\)$|transparent/.test(cs.outlineColor);
    const outline = cs.outlineStyle !== 'none' && width > 0 && !transparent;
    const shadow = cs.boxShadow && cs.boxShadow !== 'none';
    const text = (el.innerText || el.value || '').replace(/\s+/g, ' ').trim().slice(0, 40);
    return {
      tag: el.tagName.toLowerCase(),
      id: el.id,
      className: typeof el.className === 'string' ? el.className : '',
      href: el.getAttribute('href'),
      type: el.getAttribute('type'),
      name: el.getAttribute('name'),
      form: el.form ? el.form.getAttribute('action') : null,
      text,
      describe: `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}${el.getAttribute('href') ? `[href="${el.getAttribute('href')}"]` : ''} "${text}"`,
      visible: Boolean(outline || shadow),
      style: `outline: ${cs.outlineStyle} ${cs.outlineWidth} ${cs.outlineColor}; box-shadow: ${cs.boxShadow}`,
    };
  });
}

/**
 * Runs the Nu HTML Checker once over a directory of saved pages. Returns its error lines;
 * throws if it could not run at all.
 */
export function vnuErrors(dir) {
  const jar = join(HERE, 'node_modules', 'vnu-jar', 'build', 'dist', 'vnu.jar');
  // Only the JIT's quick tier: the checker runs for seconds, not long enough for the
  // optimising compiler to pay for itself, and this halves its time. Those compiled frames
  // are larger, so the thread stack is too (the checker needs 512k at least, and says so).
  const r = spawnSync('java', ['-Xss16m', '-XX:TieredStopAtLevel=1', '-jar', jar, '--errors-only', '--format', 'gnu', dir], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.error) throw r.error;
  if (r.status !== 0 && r.status !== 1) throw new Error(`vnu exited with ${r.status}: ${r.stderr}`);
  const lines = `${r.stdout}\n${r.stderr}`.split('\n').map((l) => l.trim()).filter(Boolean);
  if (r.status === 1 && lines.length === 0) throw new Error('vnu failed without saying why');
  return lines;
}
