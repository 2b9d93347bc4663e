import { emailToText } from './email-text';

export type MessageChannel = 'sms' | 'email' | 'auto';

/** A header field line: `Name: value` (RFC 5322 field names are printable ASCII without colon or space). */
const HEADER_FIELD = /^[!-9;-~]+:/;
/** A folded continuation of the previous header line. */
const CONTINUATION = /^[ \t]/;
/** The mbox separator some stores keep before the headers (`From sender@example.com Mon Jan  1 …`). */
const MBOX_FROM = /^From \S/;
/** Headers that mark a mail message rather than, say, a chat line that starts with "Note: …". */
const MESSAGE_HEADER =
  /^(from|to|cc|subject|date|received|return-path|message-id|mime-version|content-type|delivered-to|reply-to|sender):/i;
/** Only the first part of a text is inspected for a header block. */
const HEADER_SCAN_CHARS = 32_768;

/**
 * Whether a text is a raw RFC 822 / MIME message: it opens with a header block (every line a header field or its
 * continuation, at least two of them well-known message headers) ended by an empty line.
 */
export function looksLikeRawEmail(text: string): boolean {
  const head = text.slice(0, HEADER_SCAN_CHARS);
  const end = head.search(/\r?\n\r?\n/);
  if (end <= 0) return false;
  const lines = head.slice(0, end).split(/\r?\n/);
  if (MBOX_FROM.test(lines[0])) lines.shift();
  if (lines.length === 0 || !HEADER_FIELD.test(lines[0])) return false;
  let known = 0;
  for (const line of lines) {
    if (CONTINUATION.test(line)) continue;
    if (!HEADER_FIELD.test(line)) return false;
    if (MESSAGE_HEADER.test(line)) known += 1;
  }
  return known >= 2;
}

/**
 * The text a model classifies for a submitted message. Email models learn from what `emailToText` extracts from a
 * raw message (sender, content type and mailer lines, subject, the text parts and the HTML as text), so a raw
 * message sent on the `email` or `auto` channel is converted the same way before it is classified; anything else
 * (an SMS, a pasted email body) is classified as it is. Returns undefined when nothing needs converting, so the
 * common case stays synchronous. A message that fails to parse is classified as it is.
 */
export function rawEmailText(text: string, channel: MessageChannel | undefined): Promise<string> | undefined {
  if (channel === 'sms' || !looksLikeRawEmail(text)) return undefined;
  return emailToText(text).catch(() => text);
}
