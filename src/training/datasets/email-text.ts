import { convert } from 'html-to-text';
import PostalMime from 'postal-mime';

const HTML_TO_TEXT_OPTIONS = {
  wordwrap: false as const,
  selectors: [
    { selector: 'a', options: { ignoreHref: true } },
    { selector: 'img', format: 'skip' },
  ],
};

/**
 * The text a spam model sees in a raw RFC 822 message: the Subject, then the body. postal-mime renders every text
 * part into its `html` body when any part is HTML (plain parts converted, one representation per
 * multipart/alternative), so converting that with html-to-text yields the plain parts plus the HTML as text without
 * duplicates; without HTML the plain parts are used as they are.
 */
export async function emailToText(raw: Buffer | string): Promise<string> {
  const message = await PostalMime.parse(raw);
  const body = message.html ? convert(message.html, HTML_TO_TEXT_OPTIONS) : (message.text ?? '');
  const subject = message.subject ?? '';
  return subject ? `${subject}\n${body}` : body;
}
