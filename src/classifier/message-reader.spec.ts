import { FieldValidationError } from '../http/error-response';
import { EmailTextPool, type Classification, type EmailTextOptions, type SpamClassifier } from '../engine';
import { INLINE_EMAIL_CHARS, MessageReader } from './message-reader';

const HTML_HEAD = 'From: a@b.c\r\nSubject: x\r\nMIME-Version: 1.0\r\nContent-Type: text/html\r\n\r\n';
const email = (chars: number): string => HTML_HEAD + '<p>win a prize</p>'.repeat(Math.ceil(chars / 18)).slice(0, chars);

/** A pool that records what it is asked, and extracts nothing. */
class RecordingPool extends EmailTextPool {
  readonly asked: Array<{ chars: number; options: EmailTextOptions }> = [];
  override extract(raw: string, options: EmailTextOptions = {}): Promise<string> {
    this.asked.push({ chars: raw.length, options });
    return Promise.resolve('extracted');
  }
}

describe(MessageReader.name, () => {
  it('should read a raw email from its first 4 × CLASSIFY_MAX_CHARS characters', async () => {
    const pool = new RecordingPool();
    const reader = new MessageReader(2_000, pool);
    expect(reader.maxEmailChars).toBe(8_000);
    const read = await reader.read({ text: email(50_000), channel: 'email' });
    expect(read).toEqual({ channel: 'email', text: 'extracted', sourceReadChars: 8_000 });
    expect(pool.asked).toEqual([{ chars: 8_000, options: { maxRawChars: 8_000 } }]);
    expect(reader.truncation(read, email(50_000))).toEqual({
      read_chars: 9,
      total_chars: 9,
      source_read_chars: 8_000,
      source_total_chars: 50_000 + HTML_HEAD.length,
    });
  });

  it('should say what the model will not read of a message: past CLASSIFY_MAX_CHARS of the text it classifies', () => {
    const reader = new MessageReader(2_000, new RecordingPool());
    expect(reader.truncation({ channel: 'sms', text: 'x'.repeat(2_000) }, 'x'.repeat(2_000))).toBeUndefined();
    expect(reader.truncation({ channel: 'sms', text: 'x'.repeat(2_001) }, 'x'.repeat(2_001))).toEqual({
      read_chars: 2_000,
      total_chars: 2_001,
    });
    expect(reader.truncation({ channel: 'email', text: 'y'.repeat(3_000) }, email(5_000))).toEqual({
      read_chars: 2_000,
      total_chars: 3_000,
    });
  });

  it(`should extract a request's emails on the event loop only up to ${INLINE_EMAIL_CHARS} characters`, async () => {
    const pool = new RecordingPool();
    const reader = new MessageReader(20_000, pool);
    const small = await reader.read({ text: email(1_000), channel: 'email' });
    expect(small.text).toContain('win a prize');
    expect(pool.asked).toEqual([]);
    const pair = reader.readAll([
      { text: email(3_000), channel: 'email' },
      { text: email(3_000), channel: 'email' },
    ]);
    await Promise.all(pair);
    expect(pool.asked).toHaveLength(2);
  });

  it('should refuse a request whose emails hold more than 64 × CLASSIFY_MAX_CHARS characters to read', () => {
    const reader = new MessageReader(1_000, new RecordingPool());
    expect(reader.requestEmailBudget).toBe(64_000);
    const within = Array.from({ length: 16 }, () => ({ text: email(10_000), channel: 'email' as const }));
    expect(() => reader.readAll(within)).not.toThrow();
    const over = [...within, { text: email(1_000), channel: 'email' as const }, { text: 'an sms '.repeat(9_000) }];
    const error = (() => {
      try {
        reader.readAll(over);
      } catch (e) {
        return e as FieldValidationError;
      }
    })();
    expect(error).toBeInstanceOf(FieldValidationError);
    expect(error?.message).toBe(
      `messages must hold at most 64000 characters of raw email in one request (64 × CLASSIFY_MAX_CHARS), got ${65_000 + HTML_HEAD.length}`,
    );
  });

  it('should classify a batch in slices of about CLASSIFY_MAX_CHARS characters, in order', async () => {
    const calls: number[] = [];
    const classifier: SpamClassifier = {
      algorithm: 'svm',
      classify: () => ({ label: 0, spamProbability: 0, score: 0, threshold: 0.5 }),
      classifyBatch: (texts) => {
        calls.push(texts.length);
        return texts.map((t) => ({ label: 0, spamProbability: Number(t.slice(0, 3)), score: 0, threshold: 0.5 }));
      },
    };
    const reader = new MessageReader(1_000, new RecordingPool());
    const few = reader.classifyInSlices(classifier, ['100', '200']);
    expect(few).not.toBeInstanceOf(Promise);
    const texts = Array.from({ length: 10 }, (_, i) => `${100 + i}`.padEnd(600, ' '));
    const many = reader.classifyInSlices(classifier, texts);
    expect(many).toBeInstanceOf(Promise);
    expect((await many).map((c) => c.spamProbability)).toEqual(texts.map((_, i) => 100 + i));
    expect(calls).toEqual([2, 2, 2, 2, 2, 2]);
  });

  it('should classify each text with its channel, in runs of one channel within the same slices, in order', async () => {
    const calls: Array<[number, string | undefined, number | undefined]> = [];
    const classifier: SpamClassifier = {
      algorithm: 'svm',
      classify: () => ({ label: 0, spamProbability: 0, score: 0, threshold: 0.5 }),
      classifyBatch: (texts, options) => {
        calls.push([texts.length, options?.channel, options?.threshold]);
        return texts.map((t) => ({ label: 0, spamProbability: Number(t.slice(0, 3)), score: 0, threshold: 0.5 }));
      },
    };
    const reader = new MessageReader(1_000, new RecordingPool());
    const one = reader.classifyInSlices(classifier, ['100', '200', '300'], { threshold: 0.3 }, ['sms', 'sms', 'email']);
    expect(one).not.toBeInstanceOf(Promise);
    expect((one as Classification[]).map((c) => c.spamProbability)).toEqual([100, 200, 300]);
    expect(calls).toEqual([
      [2, 'sms', 0.3],
      [1, 'email', 0.3],
    ]);
    calls.length = 0;
    const texts = Array.from({ length: 6 }, (_, i) => `${100 + i}`.padEnd(600, ' '));
    const many = reader.classifyInSlices(classifier, texts, undefined, [
      'sms',
      'email',
      'email',
      'email',
      'sms',
      'sms',
    ]);
    expect(many).toBeInstanceOf(Promise);
    expect((await many).map((c) => c.spamProbability)).toEqual(texts.map((_, i) => 100 + i));
    // Slices of two texts (1,200 characters), then runs of one channel inside each.
    expect(calls).toEqual([
      [1, 'sms', undefined],
      [1, 'email', undefined],
      [2, 'email', undefined],
      [2, 'sms', undefined],
    ]);
  });

  it('should keep the event loop answering while it reads the hostile emails of issue 12', async () => {
    const reader = new MessageReader(20_000);
    const hostile = ['<b>', '<ul><li>', '<div>', '<p>'].map((tag) =>
      (HTML_HEAD + tag.repeat(Math.ceil(262_000 / tag.length))).slice(0, 262_000),
    );
    try {
      await reader.read({ text: email(8_000), channel: 'email' }); // the worker thread started and ready
      let worst = 0;
      let last = performance.now();
      const ticks = setInterval(() => {
        const now = performance.now();
        worst = Math.max(worst, now - last);
        last = now;
      }, 2);
      const started = performance.now();
      const read = await Promise.all(reader.readAll(hostile.map((text) => ({ text, channel: 'email' as const }))));
      clearInterval(ticks);
      worst = Math.max(worst, performance.now() - last);
      const elapsed = performance.now() - started;
      expect(read.every((m) => m.channel === 'email' && m.text.startsWith('From: <a@b.c>'))).toBe(true);
      // On the event loop these four hold it 8 s unbounded, 0.7 s read from 80,000 characters each; in a thread,
      // the loop waits for none of them (the margin is for a busy machine).
      expect(worst).toBeLessThan(250);
      expect(elapsed).toBeLessThan(5_000);
    } finally {
      await reader.close();
    }
  }, 30_000);
});
