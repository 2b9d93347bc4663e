import type { Channel, ChannelChoice } from './channel';
import { emailToText, type EmailTextOptions } from './email-text';

/** A header field line: `Name: value` (RFC 5322 field names are printable ASCII without colon or space). */
const HEADER_FIELD = /^[!-9;-~]+:/;
/** A folded continuation of the previous header line. */
const CONTINUATION = /^[ \t]/;
/** The mbox separator some stores keep before the headers (`From sender@example.com Mon Jan  1 …`). */
const MBOX_FROM_LINE = /^From \S[^\n]*\n/;
/** Headers that mark a mail message rather than, say, a chat line that starts with "Note: …". */
const MESSAGE_HEADER =
  /^(from|to|cc|subject|date|received|return-path|message-id|mime-version|content-type|delivered-to|reply-to|sender):/i;
/** Only the first part of a text is inspected for a header block. */
const HEADER_SCAN_CHARS = 32_768;

/**
 * Whether a text is a raw RFC 822 / MIME message: it opens, after an optional mbox `From ` line (every SpamAssassin
 * file has one), with a header block (every line a header field or its continuation, at least two of them well-known
 * message headers, such as `Return-Path:` and `Received:`) ended by an empty line.
 */
export function looksLikeRawEmail(text: string): boolean {
  const head = text.slice(0, HEADER_SCAN_CHARS).replace(MBOX_FROM_LINE, '');
  const end = head.search(/\r?\n\r?\n/);
  if (end <= 0) return false;
  const lines = head.slice(0, end).split(/\r?\n/);
  if (!HEADER_FIELD.test(lines[0])) return false;
  let known = 0;
  for (const line of lines) {
    if (CONTINUATION.test(line)) continue;
    if (!HEADER_FIELD.test(line)) return false;
    if (MESSAGE_HEADER.test(line)) known += 1;
  }
  return known >= 2;
}

/** A submitted message as the service handles it: the channel it is reported on and the text the model reads. */
export interface MessageText {
  readonly channel: Channel;
  readonly text: string;
  /** Set when a raw email was longer than `maxRawChars`: how many of its characters were parsed. */
  readonly sourceReadChars?: number;
}

/** How a raw email is turned into text: `emailToText` here, or the same in a worker thread (`EmailTextPool`). */
export type EmailExtractor = (raw: string, options: EmailTextOptions) => Promise<string>;

export interface ReadMessageOptions {
  /**
   * Read only this many characters of a raw email: the text is cut before it is handed to the extractor, which also
   * converts at most that much HTML (`EmailTextOptions.maxRawChars`). Unset: all of it.
   */
  readonly maxRawChars?: number;
  /** Default: `emailToText` on this thread. */
  readonly extract?: EmailExtractor;
}

/**
 * Whether `readMessage` reads a submitted text as a raw email (and so extracts it): on `email` and `auto` alike when
 * `looksLikeRawEmail`, never on `sms`.
 */
export function readsAsRawEmail(submitted: string, choice: ChannelChoice | undefined): boolean {
  return choice !== 'sms' && looksLikeRawEmail(submitted);
}

/**
 * The one answer to "is this an email?": the channel reported for a message and the text its model classifies.
 * Email models learn from what `emailToText` extracts from a raw message (sender, content type and mailer lines,
 * subject, the text parts and the HTML as text), so a raw message (`readsAsRawEmail`) is converted the same way;
 * anything else (an SMS, a pasted email body) is classified as it is. On `auto` a raw message is an email and
 * everything else an SMS; an explicit channel is kept. A message that fails to parse is classified as it is.
 *
 * Returns a promise only when a raw message has to be parsed, so the common case stays synchronous.
 */
export function readMessage(
  submitted: string,
  choice: ChannelChoice | undefined,
  options: ReadMessageOptions = {},
): MessageText | Promise<MessageText> {
  if (!readsAsRawEmail(submitted, choice)) return { channel: choice === 'email' ? 'email' : 'sms', text: submitted };
  const extract = options.extract ?? emailToText;
  const limit = options.maxRawChars;
  const cut = limit !== undefined && submitted.length > limit;
  const raw = cut ? submitted.slice(0, limit) : submitted;
  return extract(raw, limit === undefined ? {} : { maxRawChars: limit }).then(
    (text): MessageText => (cut ? { channel: 'email', text, sourceReadChars: raw.length } : { channel: 'email', text }),
    (): MessageText => ({ channel: 'email', text: submitted }),
  );
}
