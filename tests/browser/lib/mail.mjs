// The emails the server writes to its mail folder (MAIL_DIR, which `./run` names in
// YORISOI_TEST_MAIL_DIR), read as a person would: the subject, and the text parts decoded.

import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

const mailDir = process.env.YORISOI_TEST_MAIL_DIR;

const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function quotedPrintable(s) {
  const bytes = [];
  const text = s.replace(/=\r?\n/g, '');
  for (let i = 0; i < text.length; i++) {
    const hex = text.slice(i + 1, i + 3);
    if (text[i] === '=' && /^[0-9A-F]{2}$/i.test(hex)) {
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else {
      bytes.push(...Buffer.from(text[i]));
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

/** A MIME entity's head and body, the head's folded lines unfolded. */
function split(raw) {
  const at = raw.search(/\r?\n\r?\n/);
  const head = (at < 0 ? raw : raw.slice(0, at)).replace(/\r?\n[ \t]+/g, ' ');
  const body = at < 0 ? '' : raw.slice(at).replace(/^\r?\n\r?\n/, '');
  const header = (name) => (head.match(new RegExp(`^${name}:\\s*(.*)$`, 'im')) || [])[1] ?? '';
  return { header, body };
}

/** The text of a MIME entity: its text parts, decoded, one after another. */
export function mimeText(raw) {
  const { header, body } = split(raw);
  const type = header('Content-Type').toLowerCase();
  const boundary = header('Content-Type').match(/boundary="?([^";]+)"?/i)?.[1];
  if (type.startsWith('multipart/') && boundary) {
    const parts = body.split(`--${boundary}`).slice(1);
    return parts
      .filter((part) => !part.startsWith('--'))
      .map((part) => mimeText(part.replace(/^\r?\n/, '')))
      .join('\n');
  }
  if (type && !type.startsWith('text/')) return '';
  const encoding = header('Content-Transfer-Encoding').toLowerCase();
  if (encoding === 'base64') return Buffer.from(body.replace(/\s/g, ''), 'base64').toString('utf8');
  if (encoding === 'quoted-printable') return quotedPrintable(body);
  return body;
}

/**
 * A header's value with its encoded words (RFC 2047, `=?UTF-8?B?…?=` or `=?UTF-8?Q?…?=`)
 * decoded; the space between two encoded words is not part of the text.
 */
export function decodeHeader(value) {
  const words = /=\?([^?]+)\?([bq])\?([^?]*)\?=/gi;
  const decoded = value.replace(/(\?=)\s+(?==\?)/g, '$1').replace(words, (_, charset, encoding, text) => {
    const bytes =
      encoding.toLowerCase() === 'b'
        ? Buffer.from(text, 'base64')
        : Buffer.from(quotedPrintable(text.replace(/_/g, ' ')), 'utf8');
    return new TextDecoder(charset).decode(bytes);
  });
  return decoded.trim();
}

/** The emails to `to` in the server's mail folder, oldest first: each one's subject and decoded text. */
export function emailsTo(to) {
  assert.ok(mailDir, 'the run script names the mail folder');
  return readdirSync(mailDir)
    .filter((f) => f.endsWith('.eml'))
    .map((f) => ({ f, at: statSync(join(mailDir, f)).mtimeMs }))
    .sort((a, b) => a.at - b.at)
    .map(({ f }) => readFileSync(join(mailDir, f), 'utf8'))
    .filter((raw) => raw.includes(to))
    .map((raw) => ({ subject: decodeHeader(split(raw).header('Subject')), text: mimeText(raw) }));
}

/** The emails to `to`, oldest first, as decoded text. */
export function mailTo(to) {
  return emailsTo(to).map((email) => email.text);
}

/** Waits up to 20 s for an email to `to` that `wanted` picks (given its subject and text); gives it. */
export async function waitForEmail(to, wanted, what) {
  for (let i = 0; i < 200; i++) {
    const found = emailsTo(to).find(wanted);
    if (found) return found;
    await pause(100);
  }
  const subjects = emailsTo(to).map((e) => e.subject);
  assert.fail(`no email ${what} reached ${to}; it has: ${subjects.join(' | ') || 'nothing'}`);
}

/** Waits up to 20 s for an email to `to` whose text `wanted` picks; gives its text. */
export async function waitForMail(to, wanted, what) {
  return (await waitForEmail(to, (email) => wanted(email.text), what)).text;
}
