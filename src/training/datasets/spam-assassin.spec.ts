import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { resolveDataDir } from './data-dir';
import { emailToText, MAX_LINK_HOSTS } from '../../engine';
import { countSpam } from './labelled-text';
import { listCorpusFiles, loadSpamAssassin, packageCorpusDir } from './spam-assassin';
import { applySplit, loadSplit } from './split-file';

const MINI_CORPUS = resolve(__dirname, '../../../test/fixtures/training/mini-corpus');

describe(emailToText.name, () => {
  const NO_HEADERS = { headers: false } as const;

  it('should give the subject then the plain body', async () => {
    expect(await emailToText('Subject: Hello\r\n\r\nplain body\r\n', NO_HEADERS)).toBe('Hello\nplain body\n');
  });

  it('should start with the sender, content type and mail program lines', async () => {
    const raw = [
      'From: "Ann Example" <ann@example.org>',
      'Received: from relay.example.net by mx.example.com',
      'Message-ID: <1@example.org>',
      'X-Mailer: Mutt 1.4',
      'Content-Type: TEXT/Plain; format=flowed; charset="ISO-8859-1"',
      'Subject: Hello',
      '',
      'plain body',
      '',
    ].join('\r\n');
    expect(await emailToText(raw)).toBe(
      'From: Ann Example <ann@example.org>\nContent-Type: text/plain iso-8859-1\nX-Mailer: Mutt 1.4\nLinks: 0\nHTML: none\nHello\nplain body\n',
    );
  });

  it('should name a missing sender, content type or mail program, and cut a very long header', async () => {
    const text = await emailToText(`User-Agent: ${'x'.repeat(500)}\r\nSubject: Hi\r\n\r\nbody\r\n`);
    expect(text).toBe(
      `From: \nContent-Type: text/plain\nX-Mailer: ${'x'.repeat(200)}\nLinks: 0\nHTML: none\nHi\nbody\n`,
    );
    expect(await emailToText('')).toBe('From: \nContent-Type: text/plain\nX-Mailer: none\nLinks: 0\nHTML: none\n');
  });

  it('should count the links and name their hosts, HTML hrefs included, and the HTML tags a message uses', async () => {
    const html = [
      'Subject: Offer',
      'Content-Type: text/html; charset=us-ascii',
      '',
      '<html><body><table><tr><td><font color=red>WIN</font> <font>big</font>',
      '<a href="http://www.Prize.example.com/claim?id=1">claim</a> <a href=\'https://93.184.216.34/x\'>here</a>',
      '<a href="mailto:win@example.com">mail us</a> <a href="#top">top</a> <img src="cid:1"></td></tr></table>',
      'or see http://prize.example.com/more</body></html>',
      '',
    ].join('\r\n');
    const lines = (await emailToText(html)).split('\n');
    expect(lines[3]).toBe('Links: 4-10 prize.example.com ip-address mailto');
    expect(lines[4]).toBe('HTML: table1 font2-3 a4-10 img1');
    expect(lines.join(' ')).not.toContain('93.184.216.34');
    const many = Array.from({ length: 30 }, (_, i) => `http://host${i}.example/`).join(' ');
    const plain = (await emailToText(`Subject: s\r\n\r\n${many}\r\n`)).split('\n');
    expect(plain[3]).toBe(
      `Links: many ${Array.from({ length: MAX_LINK_HOSTS }, (_, i) => `host${i}.example`).join(' ')}`,
    );
    expect(plain[4]).toBe('HTML: none');
    const bare = await emailToText('Content-Type: text/html\r\n\r\n<p>hello</p>\r\n');
    expect(bare.split('\n').slice(3, 5)).toEqual(['Links: 0', 'HTML: plain']);
  });

  it('should decode encoded words and quoted-printable, taking one side of a multipart/alternative', async () => {
    const text = await emailToText(readFileSync(join(MINI_CORPUS, 'hard-ham-1/00002.bbbb.txt')));
    expect(text.startsWith('From: News <news@example.org>\nContent-Type: multipart/alternative\n')).toBe(true);
    expect(text).toContain('\nCafé newsletter\n');
    expect(text.match(/opens on Monday/g)).toHaveLength(1);
  });

  it('should convert HTML to text without tags, styles, link targets or images', async () => {
    const text = await emailToText(readFileSync(join(MINI_CORPUS, 'spam-2/00003.cccc.txt')), NO_HEADERS);
    expect(text).toBe('You WON $1000000\nCLAIM your FREE prize now!');
  });

  it('should take a message without a subject or body', async () => {
    expect(await emailToText('', NO_HEADERS)).toBe('');
  });
});

describe(loadSpamAssassin.name, () => {
  let cache: string;
  beforeEach(() => {
    cache = mkdtempSync(join(tmpdir(), 'sa-cache-'));
  });
  afterEach(() => rmSync(cache, { recursive: true, force: true }));

  it('should label by group, use paths as ids, and reuse its cache', async () => {
    const rows = await loadSpamAssassin(undefined, { corpusDir: MINI_CORPUS, cacheDir: cache, cache: true });
    expect(rows.map((r) => [r.id, r.label, r.source])).toEqual([
      ['easy-ham-1/00001.aaaa.txt', 0, 'email'],
      ['hard-ham-1/00002.bbbb.txt', 0, 'email'],
      ['spam-1/00004.dddd.txt', 1, 'email'],
      ['spam-2/00003.cccc.txt', 1, 'email'],
    ]);
    expect(readdirSync(cache)).toHaveLength(1);
    const again = await loadSpamAssassin(undefined, { corpusDir: MINI_CORPUS, cacheDir: cache, cache: true });
    expect(again).toEqual(rows);
  });

  it('should not trust a cache made for other files', async () => {
    const corpus = mkdtempSync(join(tmpdir(), 'sa-corpus-'));
    try {
      cpSync(MINI_CORPUS, corpus, { recursive: true });
      await loadSpamAssassin(undefined, { corpusDir: corpus, cacheDir: cache, cache: true });
      writeFileSync(join(corpus, 'spam-2/00003.cccc.txt'), 'Subject: changed\r\n\r\nnew text\r\n');
      const rows = await loadSpamAssassin(undefined, { corpusDir: corpus, cacheDir: cache, cache: true });
      expect(rows[3].text).toBe(
        'From: \nContent-Type: text/plain\nX-Mailer: none\nLinks: 0\nHTML: none\nchanged\nnew text\n',
      );
    } finally {
      rmSync(corpus, { recursive: true, force: true });
    }
  });

  it('should use <dataDir>/spamassassin/corpus when present, without caching a local corpus by default', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'sa-data-'));
    try {
      mkdirSync(join(dataDir, 'spamassassin'));
      cpSync(MINI_CORPUS, join(dataDir, 'spamassassin', 'corpus'), { recursive: true });
      const rows = await loadSpamAssassin(dataDir, { cacheDir: cache });
      expect(rows).toHaveLength(4);
      expect(readdirSync(cache)).toHaveLength(0);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('should refuse a folder without corpus groups', () => {
    expect(() => listCorpusFiles(cache)).toThrow(`${cache}: no messages: expected folders easy-ham-1`);
  });

  it('should read the whole npm corpus: 6,046 messages, 1,896 spam, matching the shared split', async () => {
    expect(existsSync(packageCorpusDir())).toBe(true);
    const rows = await loadSpamAssassin(undefined, { cacheDir: cache });
    expect(rows).toHaveLength(6046);
    expect(countSpam(rows)).toBe(1896);
    expect(rows.every((row) => row.text.length > 0)).toBe(true);
    const { train, test } = applySplit(
      rows,
      await loadSplit(join(resolveDataDir(), 'spamassassin', 'split-seed42.json')),
    );
    expect([train.length, test.length, countSpam(test)]).toEqual([4836, 1210, 379]);
  }, 120_000);
});
