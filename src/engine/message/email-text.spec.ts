import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { emailToText, MAX_HTML_DEPTH } from './email-text';
import { EmailTextPool } from './email-text-pool';

const MINI_CORPUS = resolve(__dirname, '../../../test/fixtures/training/mini-corpus');
const HTML_HEAD = 'From: a@b.c\r\nSubject: offer\r\nMIME-Version: 1.0\r\nContent-Type: text/html\r\n\r\n';

function corpusFiles(): string[] {
  return readdirSync(MINI_CORPUS, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.txt'))
    .map((f) => join(MINI_CORPUS, f));
}

describe(`${emailToText.name} bounds`, () => {
  it('should read only the first maxRawChars characters of the message and of its HTML', async () => {
    const raw = `${HTML_HEAD}<p>${'filler '.repeat(2_000)}</p><p>WINNER prize</p>`;
    expect(await emailToText(raw)).toContain('WINNER prize');
    const cut = await emailToText(raw, { maxRawChars: 5_000 });
    expect(cut).not.toContain('WINNER');
    expect(cut).toContain('offer\nfiller filler');
    // the subject and body come from the 5,000-character prefix; the summary lines before them are bounded apart
    expect(cut.slice(cut.indexOf('offer\n')).length).toBeLessThan(5_000);
  });

  it('should find a link after spaces and quotes between href= and the URL', async () => {
    const spaced = await emailToText(`${HTML_HEAD}<a href = \t "http://spaced.example/x">x</a>`);
    expect(spaced.split('\n')[3]).toBe('Links: 1 spaced.example');
  });

  it('should read a message shorter than the bound exactly as training does', async () => {
    const files = corpusFiles();
    expect(files.length).toBeGreaterThan(3);
    for (const file of files) {
      const raw = readFileSync(file);
      expect(await emailToText(raw.toString('utf8'), { maxRawChars: raw.length })).toBe(
        await emailToText(raw.toString('utf8')),
      );
    }
  });

  it(`should convert HTML nested deeper than ${MAX_HTML_DEPTH} levels instead of overflowing the stack`, async () => {
    const text = await emailToText(`${HTML_HEAD}<p>claim now</p>${'<b>'.repeat(20_000)}deep`, {
      maxRawChars: 80_000,
    });
    expect(text).toContain('claim now');
    expect(text).not.toContain('deep');
  });
});

describe(EmailTextPool.name, () => {
  it('should extract in a worker thread exactly what emailToText extracts here', async () => {
    const pool = new EmailTextPool({ threads: 2 });
    try {
      const raws = corpusFiles().map((f) => readFileSync(f, 'utf8'));
      const inThreads = await Promise.all(raws.map((raw) => pool.extract(raw, { maxRawChars: 80_000 })));
      const here = await Promise.all(raws.map((raw) => emailToText(raw, { maxRawChars: 80_000 })));
      expect(inThreads).toEqual(here);
    } finally {
      await pool.close();
    }
  }, 60_000);

  it('should extract a long run of spaces after href= within the default time limit', async () => {
    // A link pattern with two adjacent \s* backtracks quadratically on this (36 s here): the thread would be stopped
    // at its time limit and the message refused. The pattern in use is linear.
    const pool = new EmailTextPool();
    try {
      const hostile = `${HTML_HEAD}<a href=${' '.repeat(300_000)}>x</a>`;
      const text = await pool.extract(hostile, { maxRawChars: 400_000 });
      expect(text.split('\n')[3]).toBe('Links: 0');
    } finally {
      await pool.close();
    }
  }, 60_000);

  it('should fail a message that overruns its time, and refuse work once closed', async () => {
    const pool = new EmailTextPool({ taskTimeoutMs: 1 });
    try {
      await expect(pool.extract(`${HTML_HEAD}<p>hi</p>`)).rejects.toThrow('email extraction took longer than 1 ms');
    } finally {
      await pool.close();
    }
    await expect(pool.extract('Subject: x\r\n\r\nbody')).rejects.toThrow('the email extraction pool is closed');
  });
});
