import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadCorpora, loadFileCorpus, loadSmsCorpus } from './corpora';
import { resolveDataDir } from './data-dir';
import { countSpam } from './labelled-text';

describe(loadSmsCorpus.name, () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'corpora-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('should use spam.csv with its split file from the shared data', async () => {
    const corpus = await loadSmsCorpus(resolveDataDir());
    expect(corpus.name).toBe('sms');
    expect([corpus.rows.length, corpus.train.length, corpus.test.length, countSpam(corpus.test)]).toEqual([
      5572, 4457, 1115, 149,
    ]);
    expect(corpus.split).toMatch(/split-seed42\.json$/);
  });

  it('should fall back to the downloaded UCI file with a seeded stratified 80/20 split', async () => {
    mkdirSync(join(dir, 'sms-spam'));
    const lines = Array.from({ length: 100 }, (_, i) => `${i < 20 ? 'spam' : 'ham'}\tmessage ${i}`).join('\n');
    writeFileSync(join(dir, 'sms-spam', 'SMSSpamCollection'), lines);
    const corpus = await loadSmsCorpus(dir);
    expect([corpus.train.length, corpus.test.length, countSpam(corpus.test)]).toEqual([80, 20, 4]);
    expect(corpus.split).toBe('stratified 80/20, seed 42');
    expect((await loadSmsCorpus(dir)).test).toEqual(corpus.test);
  });

  it('should say how to get the data when there is none', async () => {
    await expect(loadSmsCorpus(dir)).rejects.toThrow(
      /no SMS data: neither sms-spam\/spam\.csv nor .* \(run "data download"/,
    );
  });
});

describe(loadCorpora.name, () => {
  it('should load a labelled file as its own corpus and refuse one with a single class', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'corpora-file-'));
    try {
      const path = join(dir, 'mine.jsonl');
      writeFileSync(
        path,
        Array.from({ length: 10 }, (_, i) => JSON.stringify({ text: `t${i}`, label: i % 2 })).join('\n'),
      );
      const [corpus] = await loadCorpora(path, dir);
      expect(corpus.name).toBe('mine.jsonl');
      expect([corpus.train.length, corpus.test.length]).toEqual([8, 2]);
      writeFileSync(path, '{"text":"a","label":1}\n{"text":"b","label":1}\n{"text":"c","label":0}\n');
      await expect(loadFileCorpus(path)).rejects.toThrow('needs at least 2 spam and 2 ham rows, has 2 spam and 1 ham');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('should load both shared corpora for "all"', async () => {
    const corpora = await loadCorpora('all', resolveDataDir());
    expect(corpora.map((c) => [c.name, c.train.length, c.test.length])).toEqual([
      ['sms', 4457, 1115],
      ['email', 4836, 1210],
    ]);
    expect((await loadCorpora('email', resolveDataDir()))[0].name).toBe('email');
    expect((await loadCorpora('sms', resolveDataDir()))[0].name).toBe('sms');
  }, 120_000);
});
