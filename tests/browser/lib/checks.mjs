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

// Every rule with these tags runs on every element; only the passes and the rules that did
// not apply are not listed node by node (axe then keeps one node of each), which is where
// much of its time went.
const AXE_OPTIONS = { runOnly: { type: 'tag', values: AXE_TAGS }, resultTypes: ['violations'] };

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
 * axe-core's WCAG 2.0–2.2 A and AA rules. A page without frames (all of Yorisoi's) is
 * checked in one call, with axe-core put in first unless `addAxe` did it already; a page
 * with frames gets @axe-core/playwright's way, which runs axe in every frame and puts the
 * results together.
 */
export async function axeViolations(page) {
  let results;
  if (page.frames().length > 1) {
    results = await new AxeBuilder({ page }).options(AXE_OPTIONS).analyze();
  } else {
    if (!(await page.evaluate(() => typeof window.axe?.run === 'function'))) await page.evaluate(AXE_SOURCE);
    results = await page.evaluate(
      (options) => window.axe.run(document, options).then((r) => ({ violations: r.violations })),
      AXE_OPTIONS,
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
    return {
      h1: document.querySelectorAll('h1').length,
      title: document.title.trim(),
      lang: document.documentElement.getAttribute('lang'),
      text: `${document.title} ${(main || document.body).innerText}`,
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
