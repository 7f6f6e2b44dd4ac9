// The server's own sentences, read from its catalogues (src/i18n/{lang}*.txt), so that a
// check can look for what a page or an email says in either language.

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { HERE } from './browser.mjs';

/**
 * A sentence from the server's own catalogue for `lang`, as the page shows it. A sentence
 * with plural forms is asked for by its form, as the catalogue writes it:
 * `improvements.public.raised[one]`.
 */
export function catalogue(lang, key) {
  const dir = join(HERE, '..', '..', 'src', 'i18n');
  const ours = (f) => f === `${lang}.txt` || (f.startsWith(`${lang}_`) && f.endsWith('.txt'));
  for (const file of readdirSync(dir).filter(ours)) {
    for (const line of readFileSync(join(dir, file), 'utf8').split('\n')) {
      const m = line.match(/^([\w.]+(?:\[\w+\])?)\s*=\s*(.*)$/);
      if (m && m[1] === key) return m[2].trim();
    }
  }
  throw new Error(`no ${key} in the ${lang} catalogue`);
}
