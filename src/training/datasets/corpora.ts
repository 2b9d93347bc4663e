import { existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { Channel } from '../../engine';
import { stratifiedSplit } from '../evaluation/stratified-split';
import { DatasetError } from './dataset-error';
import { countSpam, type LabelledText } from './labelled-text';
import { loadLabelledFile } from './labelled-file';
import { loadSmsCsv } from './sms-csv';
import { loadSpamAssassin, type SpamAssassinOptions } from './spam-assassin';
import { applySplit, loadSplit } from './split-file';
import { loadUciTsv } from './uci-tsv';

/** A data set with its fixed train/test split. */
export interface Corpus {
  /** `sms`, `email`, or the file name of a user-supplied data set. */
  readonly name: string;
  readonly rows: readonly LabelledText[];
  readonly train: readonly LabelledText[];
  readonly test: readonly LabelledText[];
  /** Where the split comes from: a split file, or `stratified 80/20, seed N`. */
  readonly split: string;
}

export const SPLIT_SEED = 42;
export const TEST_FRACTION = 0.2;

export const SMS_CSV = join('sms-spam', 'spam.csv');
export const SMS_UCI = join('sms-spam', 'SMSSpamCollection');
export const SMS_SPLIT = join('sms-spam', 'split-seed42.json');
export const EMAIL_SPLIT = join('spamassassin', 'split-seed42.json');

/** The SMS collection: `spam.csv` with its split file, else the UCI file (`data download`) split 80/20 with seed 42. */
export async function loadSmsCorpus(dataDir: string): Promise<Corpus> {
  const csv = join(dataDir, SMS_CSV);
  const uci = join(dataDir, SMS_UCI);
  if (existsSync(csv)) {
    const rows = await loadSmsCsv(csv, 'sms');
    return withSplitFile('sms', rows, join(dataDir, SMS_SPLIT));
  }
  if (existsSync(uci)) return withSeededSplit('sms', await loadUciTsv(uci, 'sms'));
  throw new DatasetError(
    csv,
    undefined,
    `no SMS data: neither ${SMS_CSV} nor ${SMS_UCI} in ${dataDir} (run "data download" or set SPAM_DATA_DIR)`,
  );
}

/** The SpamAssassin corpus with `spamassassin/split-seed42.json` when present, else a seeded stratified split. */
export async function loadEmailCorpus(dataDir: string, options: SpamAssassinOptions = {}): Promise<Corpus> {
  const rows = await loadSpamAssassin(dataDir, options);
  return withSplitFile('email', rows, join(dataDir, EMAIL_SPLIT));
}

/** A user-supplied labelled file (CSV/JSONL/TSV), split 80/20 stratified with the given seed. */
export async function loadFileCorpus(path: string, seed = SPLIT_SEED): Promise<Corpus> {
  return withSeededSplit(basename(path), await loadLabelledFile(path), seed);
}

/** A built-in corpus per channel, or both. */
export type DataChoice = Channel | 'all';

/** `sms`, `email`, `all` (both, each evaluated on its own test rows) or the path of a labelled file. */
export async function loadCorpora(data: string, dataDir: string, seed = SPLIT_SEED): Promise<Corpus[]> {
  if (data === 'sms') return [await loadSmsCorpus(dataDir)];
  if (data === 'email') return [await loadEmailCorpus(dataDir)];
  if (data === 'all') return [await loadSmsCorpus(dataDir), await loadEmailCorpus(dataDir)];
  return [await loadFileCorpus(data, seed)];
}

async function withSplitFile(name: string, rows: LabelledText[], splitPath: string): Promise<Corpus> {
  if (!existsSync(splitPath)) return withSeededSplit(name, rows);
  const { train, test } = applySplit(rows, await loadSplit(splitPath));
  return { name, rows, train, test, split: splitPath };
}

function withSeededSplit(name: string, rows: LabelledText[], seed = SPLIT_SEED): Corpus {
  const spam = countSpam(rows);
  if (spam < 2 || rows.length - spam < 2) {
    throw new DatasetError(
      name,
      undefined,
      `needs at least 2 spam and 2 ham rows, has ${spam} spam and ${rows.length - spam} ham`,
    );
  }
  const { train, test } = stratifiedSplit(
    rows.map((row) => row.label),
    TEST_FRACTION,
    seed,
  );
  return {
    name,
    rows,
    train: train.map((i) => rows[i]),
    test: test.map((i) => rows[i]),
    split: `stratified ${Math.round((1 - TEST_FRACTION) * 100)}/${Math.round(TEST_FRACTION * 100)}, seed ${seed}`,
  };
}
