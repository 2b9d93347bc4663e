import { setImmediate as nextTurn } from 'node:timers/promises';
import { FieldValidationError } from '../http/error-response';
import {
  EmailTextPool,
  readMessage,
  readsAsRawEmail,
  type Channel,
  type ChannelChoice,
  type Classification,
  type ClassifyOptions,
  type MessageText,
  type SpamClassifier,
} from '../engine';

/**
 * The bounds on the work one request may cause, all derived from CLASSIFY_MAX_CHARS (`classifyMaxChars`, 20,000):
 *
 * - a raw email is read (MIME and HTML) from its first `EMAIL_PREFIX_FACTOR` × CLASSIFY_MAX_CHARS characters (80,000):
 *   the cut happens before parsing. Emails shorter than that are read exactly as training reads them;
 * - the raw emails of one request (a batch, a KServe request) may hold at most `REQUEST_EMAIL_BUDGET_FACTOR` ×
 *   CLASSIFY_MAX_CHARS characters to read in all (1,280,000; above the default body limit, so it only binds with a
 *   larger BODY_LIMIT_BYTES): more is a 400 naming the limit;
 * - a request whose emails hold more than `INLINE_EMAIL_CHARS` characters to read is extracted in a worker thread, so
 *   the event loop that answers requests and probes only ever extracts a few thousand characters at a time;
 * - a batch is classified in slices of about CLASSIFY_MAX_CHARS characters, yielding to other requests between them.
 */
export const EMAIL_PREFIX_FACTOR = 4;
export const REQUEST_EMAIL_BUDGET_FACTOR = 64;
/** Worst case on the event loop for this much hostile HTML: about 5 ms, what classifying CLASSIFY_MAX_CHARS costs. */
export const INLINE_EMAIL_CHARS = 4_096;

/**
 * What of a message the model did not read, as a prediction reports it (snake_case, like the API): it read the first
 * `read_chars` of the `total_chars` characters of the text it classifies (the text extracted from a raw email). A raw
 * email longer than 4 × CLASSIFY_MAX_CHARS is parsed from a prefix: `source_read_chars` of `source_total_chars`.
 */
export interface Truncation {
  readonly read_chars: number;
  readonly total_chars: number;
  readonly source_read_chars?: number;
  readonly source_total_chars?: number;
}

/** A message as submitted: its text and the channel asked for. */
export interface SubmittedMessage {
  readonly text: string;
  readonly channel?: ChannelChoice;
}

/**
 * Reads submitted messages within the bounds above (see `readMessage` for what is read as an email) and classifies
 * batches in slices. Owns the worker threads that extract large emails; `close` ends them.
 */
export class MessageReader {
  readonly maxEmailChars: number;
  readonly requestEmailBudget: number;
  private readonly pool: EmailTextPool;

  constructor(
    private readonly classifyMaxChars: number,
    pool?: EmailTextPool,
  ) {
    this.maxEmailChars = EMAIL_PREFIX_FACTOR * classifyMaxChars;
    this.requestEmailBudget = REQUEST_EMAIL_BUDGET_FACTOR * classifyMaxChars;
    this.pool = pool ?? new EmailTextPool();
  }

  /** One message: synchronous unless it is a raw email. */
  read(message: SubmittedMessage): MessageText | Promise<MessageText> {
    return this.readAll([message], 'text')[0];
  }

  /**
   * Every message of one request, in order. Throws a 400 (`field`) when its emails exceed the request's budget.
   * Returns promises only for raw emails.
   */
  readAll(messages: readonly SubmittedMessage[], field = 'messages'): Array<MessageText | Promise<MessageText>> {
    let emailChars = 0;
    for (const m of messages)
      if (readsAsRawEmail(m.text, m.channel)) emailChars += Math.min(m.text.length, this.maxEmailChars);
    if (emailChars > this.requestEmailBudget) {
      const limit = `at most ${this.requestEmailBudget} characters of raw email in one request (${REQUEST_EMAIL_BUDGET_FACTOR} × CLASSIFY_MAX_CHARS)`;
      throw new FieldValidationError(`${field} must hold ${limit}, got ${emailChars}`, [
        { field, message: `must hold ${limit}` },
      ]);
    }
    const options = {
      maxRawChars: this.maxEmailChars,
      ...(emailChars > INLINE_EMAIL_CHARS ? { extract: this.pool.extract.bind(this.pool) } : {}),
    };
    return messages.map((m) => readMessage(m.text, m.channel, options));
  }

  /** What the model will not read of `message` (read from `submitted`), or undefined when it reads all of it. */
  truncation(message: MessageText, submitted: string): Truncation | undefined {
    const total = message.text.length;
    const source = message.sourceReadChars;
    if (total <= this.classifyMaxChars && source === undefined) return undefined;
    return {
      read_chars: Math.min(total, this.classifyMaxChars),
      total_chars: total,
      ...(source === undefined ? {} : { source_read_chars: source, source_total_chars: submitted.length }),
    };
  }

  /**
   * `classifier.classifyBatch` over slices of about CLASSIFY_MAX_CHARS characters (each text counts at most that
   * much, all the model reads of it), letting other requests run between slices. Synchronous for one slice. With
   * `channels` (one per text), each text is classified with its channel, so a model with a threshold per channel
   * decides it at its channel's.
   */
  classifyInSlices(
    classifier: SpamClassifier,
    texts: readonly string[],
    options?: ClassifyOptions,
    channels?: readonly Channel[],
  ): Classification[] | Promise<Classification[]> {
    const slices: Array<{ start: number; end: number }> = [];
    let start = 0;
    let chars = 0;
    for (let i = 0; i < texts.length; i++) {
      chars += Math.min(texts[i].length, this.classifyMaxChars);
      if (chars >= this.classifyMaxChars) {
        slices.push({ start, end: i + 1 });
        start = i + 1;
        chars = 0;
      }
    }
    if (start < texts.length) slices.push({ start, end: texts.length });
    const classify = ({ start: from, end: to }: { start: number; end: number }): Classification[] =>
      classifySlice(classifier, texts.slice(from, to), options, channels?.slice(from, to));
    if (slices.length <= 1) return classify(slices[0] ?? { start: 0, end: 0 });
    return (async () => {
      const results: Classification[] = [];
      for (const [i, slice] of slices.entries()) {
        if (i > 0) await nextTurn();
        results.push(...classify(slice));
      }
      return results;
    })();
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}

/** One slice: one `classifyBatch` call, or one per run of texts of the same channel when the channels are known. */
function classifySlice(
  classifier: SpamClassifier,
  texts: readonly string[],
  options: ClassifyOptions | undefined,
  channels: readonly Channel[] | undefined,
): Classification[] {
  if (!channels) return classifier.classifyBatch(texts, options);
  const results: Classification[] = [];
  let start = 0;
  for (let i = 1; i <= texts.length; i++) {
    if (i < texts.length && channels[i] === channels[start]) continue;
    results.push(...classifier.classifyBatch(texts.slice(start, i), { ...options, channel: channels[start] }));
    start = i;
  }
  return results;
}
