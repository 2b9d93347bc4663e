/**
 * `npm run bench:accuracy [-- --json] [--splits N] [--sets sms,email] [--split-sets sms] [--data-dir DIR] [--quick]
 * [--seed-only]`
 *
 * Trains on the training rows and evaluates on the test rows of each shared split: every algorithm with a fixed,
 * sensible configuration, the best model (`--algorithm best`: chosen by stratified CV on the training rows only)
 * and the seed's configuration (its preprocessing, TF-IDF 3000, 1–2 grams, MultinomialNB, vectorizer fitted on the
 * training rows). `--splits N` repeats the best model and the seed configuration on N fresh seeded stratified 80/20
 * splits (seeds 1…N) and reports mean ± sd. `--quick` runs only the best model and the seed, `--seed-only` only the
 * seed. Progress goes to stderr; `--json` prints one JSON document on stdout.
 *
 * The seed entry reproduces the seed's own pipeline, so on the SMS data it reads the rows as the seed did: `v2` only
 * (`loadSmsCsv(..., { joinSplitRows: false })`, pandas `[['v1', 'v2']]`), which truncates 50 messages at their first
 * unquoted comma; every other entry reads them joined back. Same rows, same split, only those 50 texts differ.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SEED_VECTORIZER_CONFIG, type ModelParams, type VectorizerConfig } from '../src/engine';
import { type Corpus, loadEmailCorpus, loadSmsCorpus, SMS_CSV } from '../src/training/datasets/corpora';
import { resolveDataDir } from '../src/training/datasets/data-dir';
import type { LabelledText } from '../src/training/datasets/labelled-text';
import { loadSmsCsv } from '../src/training/datasets/sms-csv';
import { meanAndSd } from '../src/training/evaluation/metrics';
import { stratifiedSplit } from '../src/training/evaluation/stratified-split';
import { SEARCH_VECTORIZERS } from '../src/training/hyperparameter-search';
import { trainModel, type TrainingAlgorithm } from '../src/training/trainer';
import { exitOnHelp, integerArg, machine, parseBenchArgs, progress, round, runBench } from './bench-support';

interface Entry {
  readonly name: string;
  readonly algorithm: TrainingAlgorithm;
  readonly vectorizer?: VectorizerConfig;
  readonly params?: ModelParams;
  readonly role?: 'best' | 'seed';
}

/** One fixed configuration per algorithm (hyperparameters from CV runs on the SMS training rows). */
const ALGORITHM_ENTRIES: readonly Entry[] = [
  {
    name: 'naive_bayes (word 1-2, alpha 0.03)',
    algorithm: 'naive_bayes',
    vectorizer: SEARCH_VECTORIZERS['word 1-2'],
    params: { alpha: 0.03 },
  },
  {
    name: 'svm (char_wb 2-5, C 1, balanced)',
    algorithm: 'svm',
    vectorizer: SEARCH_VECTORIZERS['char_wb 2-5'],
    params: { C: 1, classWeight: 'balanced' },
  },
  {
    name: 'logistic_regression (char_wb 2-5 + word 1-2, C 30, balanced)',
    algorithm: 'logistic_regression',
    vectorizer: SEARCH_VECTORIZERS['char_wb 2-5 + word 1-2'],
    params: { C: 30, classWeight: 'balanced' },
  },
  {
    name: 'random_forest (word 1-2 top 3000, 100 trees)',
    algorithm: 'random_forest',
    vectorizer: { ...SEARCH_VECTORIZERS['word 1-2'], maxFeatures: 3000 },
    params: { nEstimators: 100 },
  },
];

const BEST: Entry = { name: 'best (chosen by CV on the training rows)', algorithm: 'best', role: 'best' };

/**
 * The seed: its analyzer, TfidfVectorizer(max_features=3000, ngram_range=(1, 2)), MultinomialNB() → predict, i.e. the
 * raw argmax of the class log-probabilities (calibration 'none': spam when the log-odds are ≥ 0).
 */
const SEED: Entry = {
  name: 'seed (stem + TF-IDF 3000, 1-2 grams, MultinomialNB)',
  algorithm: 'naive_bayes',
  vectorizer: SEED_VECTORIZER_CONFIG,
  params: { alpha: 1, calibration: 'none' },
  role: 'seed',
};

interface Result {
  name: string;
  algorithm: string;
  accuracy: number;
  precision: number;
  recall: number;
  f1: number;
  mcc: number;
  rocAuc: number | null;
  fp: number;
  fn: number;
  trainSeconds: number;
  best?: true;
  seed?: true;
  chosen?: string;
}

async function run(
  entry: Entry,
  train: readonly LabelledText[],
  test: readonly LabelledText[],
  out: string,
): Promise<Result> {
  const started = Date.now();
  const result = await trainModel({
    algorithm: entry.algorithm,
    train,
    evaluationSets: { test },
    vectorizer: entry.vectorizer,
    params: entry.params,
    cvFolds: 0,
    png: false,
    outDir: out,
  });
  const m = result.evaluation.test;
  return {
    name: entry.name,
    algorithm: result.artifact.metadata.algorithm,
    accuracy: round(m.accuracy),
    precision: round(m.precision),
    recall: round(m.recall),
    f1: round(m.f1),
    mcc: round(m.mcc),
    rocAuc: m.rocAuc === null ? null : round(m.rocAuc),
    fp: m.fp,
    fn: m.fn,
    trainSeconds: round((Date.now() - started) / 1000, 1),
    ...(entry.role === 'best' ? { best: true as const, chosen: result.search?.[0]?.candidate } : {}),
    ...(entry.role === 'seed' ? { seed: true as const } : {}),
  };
}

const USAGE = `
npm run bench:accuracy -- [--json] [--splits N] [--sets sms,email] [--split-sets sms] [--data-dir DIR] [--quick] [--seed-only]

Quality on the shared SMS and email splits: every algorithm, the best model (chosen by CV on the training rows) and
the seed's configuration, each trained on the training rows and measured on the test rows.
  --splits N        also N fresh seeded stratified 80/20 splits of --split-sets (mean ± sd)
  --sets LIST       data sets of the fixed splits (default sms,email)
  --split-sets LIST data sets of the fresh splits (default sms)
  --data-dir DIR    where sms-spam/ and spamassassin/ are (default SPAM_DATA_DIR or ../shared/data)
  --quick           only the best model and the seed
  --seed-only       only the seed's configuration
  --json            one JSON document on stdout (progress on stderr)
`;

const METRICS = ['accuracy', 'precision', 'recall', 'f1', 'mcc', 'fp', 'fn'] as const;

async function main(): Promise<void> {
  exitOnHelp(process.argv.slice(2), USAGE);
  const args = parseBenchArgs(
    process.argv.slice(2),
    ['splits', 'sets', 'split-sets', 'data-dir'],
    ['quick', 'seed-only'],
  );
  const splits = integerArg(args, 'splits', 0, 0, 50);
  const sets = (args.values.get('sets') ?? 'sms,email').split(',').map((s) => s.trim());
  const splitSets = (args.values.get('split-sets') ?? 'sms').split(',').map((s) => s.trim());
  for (const name of [...sets, ...splitSets]) {
    if (name !== 'sms' && name !== 'email') throw new Error(`unknown data set ${JSON.stringify(name)}: use sms, email`);
  }
  const dataDir = resolveDataDir(args.values.get('data-dir'));
  const entries = args.flags.has('seed-only')
    ? [SEED]
    : args.flags.has('quick')
      ? [BEST, SEED]
      : [...ALGORITHM_ENTRIES, BEST, SEED];
  const out = mkdtempSync(join(tmpdir(), 'bench-accuracy-'));
  const report: Record<string, unknown> = {
    benchmark: 'accuracy',
    generatedAt: new Date().toISOString(),
    machine: machine(),
    datasets: {},
  };
  try {
    for (const set of sets) {
      progress(`loading ${set}`);
      const corpus: Corpus = set === 'sms' ? await loadSmsCorpus(dataDir) : await loadEmailCorpus(dataDir);
      const seedRows = set === 'sms' ? await seedsOwnRows(corpus, dataDir) : undefined;
      const results: Result[] = [];
      for (const entry of entries) {
        progress(`${set}: ${entry.name}`);
        const rowsOf = rowsFor(entry, seedRows);
        const result = await run(entry, rowsOf(corpus.train), rowsOf(corpus.test), join(out, set));
        progress(`${set}: ${entry.name}: F1 ${result.f1} FP ${result.fp} FN ${result.fn} (${result.trainSeconds} s)`);
        results.push(result);
      }
      const dataset: Record<string, unknown> = {
        split: corpus.split,
        nTrain: corpus.train.length,
        nTest: corpus.test.length,
        results,
        best: BEST.name,
        seed: SEED.name,
      };
      if (seedRows) dataset.seedRows = 'v2 only, as the seed read spam.csv (50 messages truncated at a comma)';
      if (splits > 0 && splitSets.includes(set))
        dataset.splits = await freshSplits(corpus, entries, splits, join(out, `${set}-splits`), set, seedRows);
      (report.datasets as Record<string, unknown>)[set] = dataset;
    }
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
  process.stdout.write(args.json ? `${JSON.stringify(report, null, 2)}\n` : textReport(report));
}

/**
 * The SMS rows read the seed's way (`v2` only), in the corpus's row order, when `spam.csv` is the corpus's source;
 * undefined for the UCI file, which has no split rows.
 */
async function seedsOwnRows(corpus: Corpus, dataDir: string): Promise<readonly LabelledText[] | undefined> {
  const csv = join(dataDir, SMS_CSV);
  if (!existsSync(csv)) return undefined;
  const rows = await loadSmsCsv(csv, 'sms', { joinSplitRows: false });
  if (rows.length !== corpus.rows.length || rows.some((row, i) => row.id !== corpus.rows[i].id))
    throw new Error(`${csv}: the seed's reading does not line up with the corpus rows`);
  return rows;
}

/** The seed entry gets the seed's reading of each row (matched by row id); every other entry the corpus's rows. */
function rowsFor(
  entry: Entry,
  seedRows: readonly LabelledText[] | undefined,
): (rows: readonly LabelledText[]) => readonly LabelledText[] {
  if (entry.role !== 'seed' || seedRows === undefined) return (rows) => rows;
  return (rows) => rows.map((row) => seedRows[Number(row.id)]);
}

async function freshSplits(
  corpus: Corpus,
  entries: readonly Entry[],
  n: number,
  out: string,
  set: string,
  seedRows: readonly LabelledText[] | undefined,
) {
  const rows = corpus.rows;
  const labels = rows.map((row) => row.label);
  const perEntry = new Map<Entry, Result[]>(entries.filter((e) => e.role !== undefined).map((e) => [e, []]));
  for (let seed = 1; seed <= n; seed++) {
    const { train, test } = stratifiedSplit(labels, 0.2, seed);
    for (const entry of perEntry.keys()) {
      progress(`${set} split ${seed}/${n}: ${entry.name}`);
      const rowsOf = rowsFor(entry, seedRows);
      const result = await run(entry, rowsOf(train.map((i) => rows[i])), rowsOf(test.map((i) => rows[i])), out);
      progress(`${set} split ${seed}/${n}: ${entry.name}: F1 ${result.f1} FP ${result.fp}`);
      perEntry.get(entry)!.push(result);
    }
  }
  return {
    n,
    seeds: Array.from({ length: n }, (_, i) => i + 1),
    method: 'stratified 80/20 of all rows, seeds 1…N',
    results: [...perEntry].map(([entry, results]) => ({
      name: entry.name,
      ...(entry.role === 'best' ? { best: true } : { seed: true }),
      mean: Object.fromEntries(METRICS.map((k) => [k, round(meanAndSd(results.map((r) => r[k])).mean)])),
      sd: Object.fromEntries(METRICS.map((k) => [k, round(meanAndSd(results.map((r) => r[k])).sd)])),
      perSplit: results.map((r) => ({ f1: r.f1, fp: r.fp, fn: r.fn, ...(r.chosen ? { chosen: r.chosen } : {}) })),
    })),
  };
}

function textReport(report: Record<string, unknown>): string {
  const lines: string[] = [];
  for (const [set, value] of Object.entries(
    report.datasets as Record<
      string,
      {
        results: Result[];
        splits?: {
          n: number;
          results: Array<{ name: string; mean: Record<string, number>; sd: Record<string, number> }>;
        };
      }
    >,
  )) {
    lines.push(`${set}:`);
    for (const r of value.results) {
      lines.push(
        `  ${r.name.padEnd(62)} acc ${r.accuracy.toFixed(4)} P ${r.precision.toFixed(4)} R ${r.recall.toFixed(4)} F1 ${r.f1.toFixed(4)} MCC ${r.mcc.toFixed(4)} FP ${r.fp} FN ${r.fn}${r.chosen ? ` [${r.chosen}]` : ''}`,
      );
    }
    for (const r of value.splits?.results ?? []) {
      lines.push(
        `  ${value.splits!.n} fresh splits, ${r.name}: F1 ${r.mean.f1.toFixed(4)} ± ${r.sd.f1.toFixed(4)}, FP ${r.mean.fp} ± ${r.sd.fp}`,
      );
    }
  }
  return `${lines.join('\n')}\n`;
}

runBench(main);
