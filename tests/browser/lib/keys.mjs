// Pressing keys in a page, checking after each one that focus can be seen where it lands.

import assert from 'node:assert/strict';
import { focusState } from './checks.mjs';

/** Presses keys, and after each one checks that the focused element shows its focus. */
export class Keys {
  constructor(page) {
    this.page = page;
    this.trail = [];
  }

  async landed(how) {
    const f = await focusState(this.page);
    this.trail.push(`${how} → ${f.describe}`);
    assert.ok(f.visible, `after ${how}, focus on ${f.describe} cannot be seen (${f.style})`);
    return f;
  }

  async press(key) {
    await this.page.keyboard.press(key);
    return this.landed(key);
  }

  /** Presses Tab until `wanted` holds for the focused element, checking every stop on the way. */
  async tabTo(wanted, what, limit = 40) {
    for (let i = 0; i < limit; i++) {
      const f = await this.press('Tab');
      if (wanted(f)) return f;
    }
    assert.fail(`${what} was not reached in ${limit} presses of Tab:\n  ${this.trail.join('\n  ')}`);
  }

  /** Presses a key that should load a new page; returns that page's response. */
  async submit(key) {
    const [response] = await Promise.all([this.page.waitForNavigation(), this.page.keyboard.press(key)]);
    return response;
  }

  /** Presses a key that should move focus within the page to the element matching `selector`. */
  async moveTo(key, selector, how) {
    await this.page.keyboard.press(key);
    await this.page.waitForFunction((s) => document.activeElement?.matches(s), selector, { timeout: 5000 });
    return this.landed(how);
  }

  async type(text) {
    await this.page.keyboard.type(text);
  }
}

