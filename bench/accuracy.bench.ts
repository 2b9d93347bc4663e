/**
 * `npm run bench:accuracy [-- --json] [--splits N] [--sets sms,email] [--split-sets sms,email] [--data-dir DIR]
 * [--quick] [--seed-only] [--splits-entries all|best] [--max-minutes M] [--no-sklearn]`
 *
 * Trains on the training rows and evaluates on the test rows of each shared split: every algorithm with a fixed,
 * sensible configuration, the best model (`--algorithm best`: chosen by stratified CV on the training rows only)
 * and the seed's configuration (its preprocessing, TF-IDF 3000, 1–2 grams, MultinomialNB, vectorizer fitted on the
 * training rows). `--splits N` repeats the same entries on N fresh seeded stratified 80/20 splits (seeds 1…N) of
 * each of `--split-sets` (default sms and email) and reports mean ± sd per entry, with every split's figures in the
 * JSON. `--quick` runs only the best model and the seed, `--seed-only` only the seed; `--splits-entries best` keeps
 * every entry on the shared splits but only the best model, the seed and scikit-learn on the fresh ones.
 * `--max-minutes M` bounds the run: the shared splits run first, then the fresh splits round by round (split 1 of
 * each set, then split 2, …), and no split starts that would, by the set's last split, end past M minutes.
 *
 * scikit-learn reference, in the same run, on the same splits and the same texts: when `SKLEARN_PYTHON` (default
 * Debian's `/usr/bin/python3`, which has python3-sklearn) can `import sklearn`, bench/sklearn_reference.py trains
 * TfidfVectorizer(char_wb 2–5, sublinear) + LinearSVC(class_weight='balanced') with C chosen by GridSearchCV (f1;
 * 5 folds on SMS, 3 on email) on each split's training rows and measures it on the test rows. It gets the texts the
 * other entries train on, each cut to its first DEFAULT_MAX_CHARS (20,000) characters as the trainer and the
 * pipeline cut them. Without sklearn the report says `sklearn: { available: false, reason }` and the rest runs.
 *
 * Each result carries the decision threshold its model used (the artifact's operating point; 0.5 without one).
 * Progress goes to stderr; `--json` prints one JSON document on stdout.
 *
 * The seed entry reproduces the seed's own pipeline, so on the SMS data it reads the rows as the seed did: `v2` only
 * (`loadSmsCsv(..., { joinSplitRows: false })`, pandas `[['v1', 'v2']]`), which truncates 50 messages at their first
 * unquoted comma; every other entry (and scikit-learn) reads them joined back. Same rows, same split, only those 50
 * texts differ.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DEFAULT_MAX_CHARS, SEED_VECTORIZER_CONFIG, type ModelParams, type VectorizerConfig } from '../src/engine';
import { type Corpus, loadEmailCorpus, loadSmsCorpus, SMS_CSV, SPLIT_SEED } from '../src/training/datasets/corpora';
import { resolveDataDir } from '../src/training/datasets/data-dir';
import type { LabelledText } from '../src/training/datasets/labelled-text';
import { loadSmsCsv } from '../src/training/datasets/sms-csv';
import { meanAndSd } from '../src/training/evaluation/metrics';
import { stratifiedSplit } from '../src/training/evaluation/stratified-split';
import { SEARCH_VECTORIZERS } from '../src/training/hyperparameter-search';
import { trainModel, type TrainingAlgorithm } from '../src/training/trainer';
import { exitOnHelp, integerArg, machine, parseBenchArgs, progress, round, runBench } from './bench-support';

const ROOT = resolve(__dirname, '..', '..');
const SKLEARN_SCRIPT = join(ROOT, 'bench', 'sklearn_reference.py');
const DEFAULT_SKLEARN_PYTHON = '/usr/bin/python3';
/** C values of the reference's grid search, and its folds per data set. */
const SKLEARN_CS = [0.1, 0.3, 1, 3, 10] as const;
const SKLEARN_FOLDS: Readonly<Record<DataSet, number>> = { sms: 5, email: 3 };
const SKLEARN_NAME = 'sklearn (char_wb 2-5 TF-IDF + LinearSVC balanced, C by CV)';

type DataSet = 'sms' | 'email';
const DATA_SETS: readonly DataSet[] = ['sms', 'email'];

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
  /**
   * Spam at probability ≥ this: the artifact's operating point (0.5 without one). scikit-learn: null, its LinearSVC
   * calls spam a decision function > 0.
   */
  threshold: number | null;
  /** The false-positive rate the threshold was chosen for (null: not chosen for one), when the artifact says. */
  maxFpRate?: number | null;
  /** How the threshold was chosen (the operating point's `chosenBy`), when the artifact says. */
  thresholdChosenBy?: string;
  /** The threshold the evaluation figures were computed at (the trainer's `evaluation.test.threshold`). */
  evaluatedAt?: number;
  trainSeconds: number;
  best?: true;
  seed?: true;
  sklearn?: SklearnDetails;
  chosen?: string;
  /**
   * The best model: candidates its search left out when its time budget ran out (DEFAULT_SEARCH_BUDGET_MS), so on a
   * busy machine it may choose among fewer candidates.
   */
  searchSkipped?: number;
}

interface SklearnDetails {
  C: number;
  cvF1: number;
  /** Mean CV F1 per C, in the grid's order, with GridSearchCV's mean fit and score seconds per fold. */
  cvByC: Array<{ C: number; f1: number; fitSeconds: number; scoreSeconds: number }>;
  folds: number;
  nFeatures: number;
  convergenceWarnings: number;
  searchSeconds: number;
  fitSeconds: number;
  evaluateSeconds: number;
}

type SklearnStatus =
  | { available: true; python: string; versions: Record<string, string>; script: string }
  | { available: false; python: string; reason: string };

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
  // The threshold the artifact is served with (absent in artifacts made before operating points: 0.5).
  const point = result.artifact.metadata.operatingPoint;
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
    threshold: round(point?.threshold ?? 0.5),
    ...(point ? { maxFpRate: point.maxFpRate, thresholdChosenBy: point.chosenBy } : {}),
    evaluatedAt: round(m.threshold),
    trainSeconds: round((Date.now() - started) / 1000, 1),
    ...(entry.role === 'best'
      ? {
          best: true as const,
          chosen: result.search?.[0]?.candidate,
          searchSkipped: Number(result.params.search_skipped_candidates ?? 0),
        }
      : {}),
    ...(entry.role === 'seed' ? { seed: true as const } : {}),
  };
}

/** Whether `python` can import sklearn (and the reference script is there); never throws. */
function sklearnStatus(python: string, disabled: boolean): SklearnStatus {
  if (disabled) return { available: false, python, reason: 'turned off by --no-sklearn' };
  if (!existsSync(SKLEARN_SCRIPT)) return { available: false, python, reason: `${SKLEARN_SCRIPT} is missing` };
  const check = spawnSync(python, [SKLEARN_SCRIPT, '--version'], { encoding: 'utf8', timeout: 60_000 });
  if (check.error) return { available: false, python, reason: `${python}: ${check.error.message}` };
  if (check.status !== 0) {
    const last = check.stderr.trim().split('\n').pop() ?? '';
    return { available: false, python, reason: `${python} cannot import sklearn: ${last || `exit ${check.status}`}` };
  }
  return {
    available: true,
    python,
    versions: JSON.parse(check.stdout) as Record<string, string>,
    script: 'bench/sklearn_reference.py',
  };
}

/** The trainer's cut: the first DEFAULT_MAX_CHARS characters of a text (UTF-16 units, as String.prototype.slice). */
function cut(text: string): string {
  return text.length > DEFAULT_MAX_CHARS ? text.slice(0, DEFAULT_MAX_CHARS) : text;
}

/** Trains and measures the scikit-learn reference on one split through bench/sklearn_reference.py. */
async function runSklearn(
  python: string,
  set: DataSet,
  seed: number,
  label: string,
  train: readonly LabelledText[],
  test: readonly LabelledText[],
  out: string,
): Promise<Result> {
  mkdirSync(out, { recursive: true });
  const input = join(out, 'sklearn-input.json');
  const output = join(out, 'sklearn-output.json');
  const part = (rows: readonly LabelledText[]) => ({
    texts: rows.map((row) => cut(row.text)),
    labels: rows.map((row) => row.label),
  });
  writeFileSync(
    input,
    JSON.stringify({ train: part(train), test: part(test), folds: SKLEARN_FOLDS[set], cs: SKLEARN_CS, seed, label }),
  );
  rmSync(output, { force: true });
  const started = Date.now();
  await new Promise<void>((resolvePromise, reject) => {
    // Python may tell about its progress and warnings on stderr; its stdout is not ours (the JSON document is).
    const child = spawn(python, [SKLEARN_SCRIPT, input, output], { stdio: ['ignore', 'ignore', 'inherit'] });
    child.on('error', reject);
    child.on('exit', (code, signal) =>
      code === 0
        ? resolvePromise()
        : reject(new Error(`scikit-learn reference on ${label} failed (${signal ?? `exit ${code}`})`)),
    );
  });
  const r = JSON.parse(readFileSync(output, 'utf8')) as SklearnDetails & {
    accuracy: number;
    precision: number;
    recall: number;
    f1: number;
    mcc: number;
    rocAuc: number;
    fp: number;
    fn: number;
    seconds: number;
  };
  rmSync(input, { force: true });
  return {
    name: SKLEARN_NAME,
    algorithm: 'sklearn LinearSVC',
    accuracy: round(r.accuracy),
    precision: round(r.precision),
    recall: round(r.recall),
    f1: round(r.f1),
    mcc: round(r.mcc),
    rocAuc: round(r.rocAuc),
    fp: r.fp,
    fn: r.fn,
    threshold: null,
    trainSeconds: round((Date.now() - started) / 1000, 1),
    chosen: `C ${r.C}`,
    sklearn: {
      C: r.C,
      cvF1: round(r.cvF1),
      cvByC: r.cvByC.map(({ C, f1, fitSeconds, scoreSeconds }) => ({
        C,
        f1: round(f1),
        fitSeconds: round(fitSeconds, 1),
        scoreSeconds: round(scoreSeconds, 1),
      })),
      folds: r.folds,
      nFeatures: r.nFeatures,
      convergenceWarnings: r.convergenceWarnings,
      searchSeconds: round(r.searchSeconds, 1),
      fitSeconds: round(r.fitSeconds, 1),
      evaluateSeconds: round(r.evaluateSeconds, 1),
    },
  };
}

const USAGE = `
npm run bench:accuracy -- [--json] [--splits N] [--sets sms,email] [--split-sets sms,email] [--data-dir DIR]
                          [--quick] [--seed-only] [--splits-entries all|best] [--max-minutes M] [--no-sklearn]

Quality on the shared SMS and email splits: every algorithm, the best model (chosen by CV on the training rows),
the seed's configuration and a scikit-learn reference, each trained on the training rows and measured on the test
rows.
  --splits N             also N fresh seeded stratified 80/20 splits (seeds 1…N) of --split-sets: mean ± sd per entry
  --sets LIST            data sets of the shared splits (default sms,email)
  --split-sets LIST      data sets of the fresh splits (default sms,email; needs --splits)
  --splits-entries WHICH entries on the fresh splits: all (default, the same as on the shared splits) or best (the
                         best model, the seed and scikit-learn only: 25-40 % less time per email split)
  --max-minutes M        start no fresh split that would end more than M minutes after the start (estimated from
                         the set's last split); the fresh splits run round by round over the sets, so each set
                         gets about the same number, and the report says how many of N ran
  --data-dir DIR         where sms-spam/ and spamassassin/ are (default SPAM_DATA_DIR or ../shared/data)
  --quick                only the best model, the seed and scikit-learn
  --seed-only            only the seed's configuration (and scikit-learn)
  --no-sklearn           leave out the scikit-learn reference
  --json                 one JSON document on stdout (progress on stderr)

scikit-learn: SKLEARN_PYTHON (default /usr/bin/python3, Debian's python3-sklearn) runs bench/sklearn_reference.py:
TfidfVectorizer(char_wb 2-5, sublinear_tf) + LinearSVC(class_weight='balanced'), C in {0.1, 0.3, 1, 3, 10} by
GridSearchCV (f1; 5 folds on SMS, 3 on email) on the training rows, texts cut to their first 20,000 characters as
the trainer cuts them. When it cannot import sklearn the report says why and the rest runs.
`;

const METRICS = ['accuracy', 'precision', 'recall', 'f1', 'mcc', 'fp', 'fn', 'trainSeconds'] as const;

interface Options {
  readonly json: boolean;
  readonly splits: number;
  readonly sets: readonly DataSet[];
  readonly splitSets: readonly DataSet[];
  readonly entries: readonly Entry[];
  readonly splitEntries: readonly Entry[];
  readonly dataDir: string;
  readonly noSklearn: boolean;
  /** Start no fresh split that would, by the estimate, end later than this many minutes after the start. */
  readonly maxMinutes: number | undefined;
}

/** A comma-separated list of data sets; refuses unknown and empty names, naming the option. */
function dataSetList(option: string, raw: string | undefined, fallback: readonly DataSet[]): DataSet[] {
  if (raw === undefined) return [...fallback];
  const names = raw.split(',').map((s) => s.trim());
  for (const name of names) {
    if (!DATA_SETS.includes(name as DataSet))
      throw new Error(`option --${option}: unknown data set ${JSON.stringify(name)} (use sms, email or sms,email)`);
  }
  return DATA_SETS.filter((set) => names.includes(set));
}

function parseOptions(argv: readonly string[]): Options {
  const args = parseBenchArgs(
    argv,
    ['splits', 'sets', 'split-sets', 'data-dir', 'splits-entries', 'max-minutes'],
    ['quick', 'seed-only', 'no-sklearn'],
  );
  const splits = integerArg(args, 'splits', 0, 0, 50);
  const sets = dataSetList('sets', args.values.get('sets'), DATA_SETS);
  const splitSets = dataSetList('split-sets', args.values.get('split-sets'), DATA_SETS);
  if (splits === 0 && args.values.has('split-sets'))
    throw new Error('option --split-sets needs --splits N (N ≥ 1): without fresh splits it has nothing to choose');
  if (splits === 0 && args.values.has('splits-entries'))
    throw new Error('option --splits-entries needs --splits N (N ≥ 1)');
  if (splits === 0 && args.values.has('max-minutes'))
    throw new Error('option --max-minutes needs --splits N (N ≥ 1): it bounds the fresh splits');
  const maxMinutes = args.values.has('max-minutes') ? integerArg(args, 'max-minutes', 0, 1, 24 * 60) : undefined;
  if (args.flags.has('quick') && args.flags.has('seed-only'))
    throw new Error('options --quick and --seed-only exclude each other: --quick runs the best model and the seed');
  const splitsEntries = args.values.get('splits-entries') ?? 'all';
  if (splitsEntries !== 'all' && splitsEntries !== 'best')
    throw new Error(`option --splits-entries must be all or best, got ${JSON.stringify(splitsEntries)}`);
  const dataDirArg = args.values.get('data-dir');
  if (dataDirArg !== undefined && dataDirArg.trim() === '') throw new Error('option --data-dir needs a folder');
  const entries = args.flags.has('seed-only')
    ? [SEED]
    : args.flags.has('quick')
      ? [BEST, SEED]
      : [...ALGORITHM_ENTRIES, BEST, SEED];
  return {
    json: args.json,
    splits,
    sets,
    splitSets: splits > 0 ? splitSets : [],
    entries,
    splitEntries: splitsEntries === 'best' ? entries.filter((e) => e.role !== undefined) : entries,
    dataDir: resolveDataDir(dataDirArg),
    noSklearn: args.flags.has('no-sklearn'),
    maxMinutes,
  };
}

async function main(): Promise<void> {
  exitOnHelp(process.argv.slice(2), USAGE);
  const options = parseOptions(process.argv.slice(2));
  const python = process.env.SKLEARN_PYTHON?.trim() || DEFAULT_SKLEARN_PYTHON;
  const sklearn = sklearnStatus(python, options.noSklearn);
  progress(
    sklearn.available
      ? `scikit-learn ${sklearn.versions.sklearn} (${python}): the reference runs on every split`
      : `scikit-learn reference left out: ${sklearn.reason}`,
  );
  const benchStarted = Date.now();
  const out = mkdtempSync(join(tmpdir(), 'bench-accuracy-'));
  const report: Record<string, unknown> = {
    benchmark: 'accuracy',
    generatedAt: new Date().toISOString(),
    machine: machine(),
    maxChars: DEFAULT_MAX_CHARS,
    ...(options.maxMinutes === undefined ? {} : { maxMinutes: options.maxMinutes }),
    sklearn: sklearn.available
      ? {
          ...sklearn,
          model:
            "Pipeline(TfidfVectorizer(analyzer='char_wb', ngram_range=(2, 5), sublinear_tf=True, lowercase=True), " +
            "LinearSVC(class_weight='balanced')), C by GridSearchCV(scoring='f1') on the training rows",
          cs: SKLEARN_CS,
          folds: SKLEARN_FOLDS,
          texts: `the texts the other entries train on, each cut to its first ${DEFAULT_MAX_CHARS} characters`,
        }
      : sklearn,
    datasets: {},
  };
  const pythonIfAvailable = sklearn.available ? python : undefined;
  const deadline = options.maxMinutes === undefined ? undefined : benchStarted + options.maxMinutes * 60_000;
  try {
    const loaded = new Map<DataSet, { corpus: Corpus; seedRows: readonly LabelledText[] | undefined }>();
    for (const set of DATA_SETS.filter((s) => options.sets.includes(s) || options.splitSets.includes(s))) {
      progress(`loading ${set}`);
      const corpus: Corpus =
        set === 'sms' ? await loadSmsCorpus(options.dataDir) : await loadEmailCorpus(options.dataDir);
      loaded.set(set, { corpus, seedRows: set === 'sms' ? await seedsOwnRows(corpus, options.dataDir) : undefined });
    }
    const datasets = report.datasets as Record<string, Record<string, unknown>>;
    for (const [set, { seedRows }] of loaded) {
      datasets[set] = { best: BEST.name, seed: SEED.name };
      if (seedRows) datasets[set].seedRows = 'v2 only, as the seed read spam.csv (50 messages truncated at a comma)';
    }
    // The shared splits first, then the fresh splits round by round (split 1 of every set, then split 2, …), so that
    // a time budget cuts every set at about the same number of splits.
    const sharedSeconds = new Map<DataSet, number>();
    for (const set of options.sets) {
      const { corpus, seedRows } = loaded.get(set)!;
      const shared = await sharedSplit(corpus, set, options.entries, pythonIfAvailable, seedRows, join(out, set));
      datasets[set].shared = shared;
      sharedSeconds.set(set, shared.seconds);
    }
    const fresh = new Map(
      options.splitSets.map((set) => [set, new FreshSplits(set, options.splits, options.splitEntries)] as const),
    );
    for (let seed = 1; seed <= options.splits; seed++) {
      for (const [set, splits] of fresh) {
        if (splits.stopped !== undefined) continue;
        // Estimated from this set's last fresh split, else from its shared split (same work, a few rows apart).
        const estimate = splits.lastSeconds ?? sharedSeconds.get(set);
        if (deadline !== undefined && estimate !== undefined && Date.now() + estimate * 1000 > deadline) {
          splits.stopped =
            `--max-minutes ${options.maxMinutes}: split ${seed} (about ${Math.round(estimate)} s) would end past ` +
            'the budget';
          progress(`${set}: no more fresh splits (${splits.stopped})`);
          continue;
        }
        const { corpus, seedRows } = loaded.get(set)!;
        await splits.run(seed, corpus, pythonIfAvailable, seedRows, join(out, `${set}-splits`));
      }
    }
    for (const [set, splits] of fresh) datasets[set].splits = splits.summary();
    for (const dataset of Object.values(datasets)) dataset.comparison = comparison(dataset);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
  if (sklearnErrors.length > 0) (report.sklearn as Record<string, unknown>).errors = sklearnErrors;
  report.seconds = round((Date.now() - benchStarted) / 1000, 1);
  process.stdout.write(options.json ? `${JSON.stringify(report, null, 2)}\n` : textReport(report));
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

/** The scikit-learn runs that failed (the report lists them; their splits have no reference figures). */
const sklearnErrors: string[] = [];

/** Every entry, then scikit-learn, on one train/test split. */
async function runAll(
  label: string,
  set: DataSet,
  seed: number,
  entries: readonly Entry[],
  python: string | undefined,
  seedRows: readonly LabelledText[] | undefined,
  train: readonly LabelledText[],
  test: readonly LabelledText[],
  out: string,
): Promise<Result[]> {
  const results: Result[] = [];
  for (const entry of entries) {
    progress(`${label}: ${entry.name}`);
    const rowsOf = rowsFor(entry, seedRows);
    const result = await run(entry, rowsOf(train), rowsOf(test), out);
    progress(`${label}: ${entry.name}: ${figures(result)}`);
    results.push(result);
  }
  if (python !== undefined) {
    progress(`${label}: ${SKLEARN_NAME}`);
    try {
      const result = await runSklearn(python, set, seed, label, train, test, out);
      progress(`${label}: ${SKLEARN_NAME}: ${figures(result)}`);
      results.push(result);
    } catch (error) {
      // One failed reference run (a crash, no memory) costs its figures, not the whole benchmark's.
      const message = error instanceof Error ? error.message : String(error);
      progress(`${label}: ${SKLEARN_NAME}: failed: ${message}`);
      sklearnErrors.push(`${label}: ${message}`);
    }
  }
  return results;
}

function figures(r: Result): string {
  const threshold = r.threshold === null ? 'margin 0' : `thr ${r.threshold}`;
  return `F1 ${r.f1} FP ${r.fp} FN ${r.fn} ${threshold}${chosenText(r)} (${r.trainSeconds} s)`;
}

function chosenText(r: Result): string {
  if (!r.chosen) return '';
  if (!r.searchSkipped) return ` [${r.chosen}]`;
  return ` [${r.chosen}; ${r.searchSkipped} candidate${r.searchSkipped === 1 ? '' : 's'} left out by the time budget]`;
}

async function sharedSplit(
  corpus: Corpus,
  set: DataSet,
  entries: readonly Entry[],
  python: string | undefined,
  seedRows: readonly LabelledText[] | undefined,
  out: string,
) {
  const started = Date.now();
  // The reference's CV folds shuffle with the shared split's seed (SPLIT_SEED, 42, as in split-seed42.json).
  const results = await runAll(set, set, SPLIT_SEED, entries, python, seedRows, corpus.train, corpus.test, out);
  return {
    split: corpus.split,
    nTrain: corpus.train.length,
    nTest: corpus.test.length,
    results,
    seconds: round((Date.now() - started) / 1000, 1),
  };
}

interface SplitSummary {
  name: string;
  best?: true;
  seed?: true;
  sklearn?: true;
  mean: Record<string, number>;
  sd: Record<string, number>;
  threshold: { mean: number; sd: number } | null;
  /** Splits with figures (fewer than the set's when a scikit-learn run failed). */
  n: number;
  perSplit: Array<Omit<Result, 'name'> & { split: number }>;
}

/** One data set's fresh splits: every entry (and scikit-learn) on each split, summed up as mean ± sd per entry. */
class FreshSplits {
  private readonly perName = new Map<string, Array<Result & { split: number }>>();
  private readonly splitSeconds: number[] = [];
  /** Why no further split ran, when the time budget stopped them. */
  stopped: string | undefined;

  constructor(
    private readonly set: DataSet,
    private readonly requested: number,
    private readonly entries: readonly Entry[],
  ) {}

  get lastSeconds(): number | undefined {
    return this.splitSeconds.at(-1);
  }

  async run(
    seed: number,
    corpus: Corpus,
    python: string | undefined,
    seedRows: readonly LabelledText[] | undefined,
    out: string,
  ): Promise<void> {
    const started = Date.now();
    const rows = corpus.rows;
    const { train, test } = stratifiedSplit(
      rows.map((row) => row.label),
      0.2,
      seed,
    );
    const results = await runAll(
      `${this.set} split ${seed}/${this.requested}`,
      this.set,
      seed,
      this.entries,
      python,
      seedRows,
      train.map((i) => rows[i]),
      test.map((i) => rows[i]),
      out,
    );
    for (const result of results)
      this.perName.set(result.name, [...(this.perName.get(result.name) ?? []), { ...result, split: seed }]);
    this.splitSeconds.push(round((Date.now() - started) / 1000, 1));
  }

  summary() {
    const n = this.splitSeconds.length;
    const results: SplitSummary[] = [...this.perName].map(([name, results]) => {
      const stats = METRICS.map((k) => [k, meanAndSd(results.map((r) => r[k]))] as const);
      const thresholds = results.map((r) => r.threshold).filter((t): t is number => t !== null);
      const first = results[0];
      return {
        name,
        ...(first.best ? { best: true as const } : {}),
        ...(first.seed ? { seed: true as const } : {}),
        ...(first.sklearn ? { sklearn: true as const } : {}),
        mean: Object.fromEntries(stats.map(([k, s]) => [k, round(s.mean)])),
        sd: Object.fromEntries(stats.map(([k, s]) => [k, round(s.sd)])),
        threshold:
          thresholds.length === results.length
            ? (({ mean, sd }) => ({ mean: round(mean), sd: round(sd) }))(meanAndSd(thresholds))
            : null,
        n: results.length,
        perSplit: results.map(({ name: _name, ...rest }) => rest),
      };
    });
    return {
      n,
      requested: this.requested,
      ...(this.stopped ? { stopped: this.stopped } : {}),
      seeds: Array.from({ length: n }, (_, i) => i + 1),
      method: 'stratified 80/20 of all rows, seeds 1…N (the same splits for every entry and for scikit-learn)',
      results,
      splitSeconds: this.splitSeconds,
      seconds: round(
        this.splitSeconds.reduce((a, b) => a + b, 0),
        1,
      ),
    };
  }
}

/** Best model against scikit-learn: F1 ratio and FP beside each, on the fresh splits (means) and the shared split. */
function comparison(dataset: Record<string, unknown>) {
  const shared = dataset.shared as { results: Result[] } | undefined;
  const splits = dataset.splits as { n: number; results: SplitSummary[] } | undefined;
  const out: Record<string, unknown> = {};
  const ratio = (a: number, b: number) => (b > 0 ? round(a / b) : null);
  const sharedBest = shared?.results.find((r) => r.best);
  const sharedSk = shared?.results.find((r) => r.sklearn);
  if (sharedBest && sharedSk) {
    out.shared = {
      bestF1: sharedBest.f1,
      sklearnF1: sharedSk.f1,
      f1Ratio: ratio(sharedBest.f1, sharedSk.f1),
      bestFp: sharedBest.fp,
      sklearnFp: sharedSk.fp,
    };
  }
  const splitBest = splits?.results.find((r) => r.best);
  const splitSk = splits?.results.find((r) => r.sklearn);
  if (splitBest && splitSk) {
    // Over the splits both have figures (all of them unless a scikit-learn run failed).
    type PerSplit = { split: number; f1: number; fp: number };
    const skOf = new Map((splitSk.perSplit as PerSplit[]).map((r) => [r.split, r]));
    const pairs = (splitBest.perSplit as PerSplit[]).flatMap((b) =>
      skOf.has(b.split) ? [[b, skOf.get(b.split)!]] : [],
    );
    const stat = (values: number[]) => (({ mean, sd }) => ({ mean: round(mean), sd: round(sd) }))(meanAndSd(values));
    const bestF1 = stat(pairs.map(([b]) => b.f1));
    const sklearnF1 = stat(pairs.map(([, k]) => k.f1));
    out.splits = {
      n: pairs.length,
      splits: pairs.map(([b]) => b.split),
      bestF1,
      sklearnF1,
      f1Ratio: ratio(bestF1.mean, sklearnF1.mean),
      bestFp: stat(pairs.map(([b]) => b.fp)),
      sklearnFp: stat(pairs.map(([, k]) => k.fp)),
    };
  }
  return Object.keys(out).length > 0 ? out : null;
}

function fixed(value: number | null | undefined, digits = 4): string {
  return value === null || value === undefined ? '—' : value.toFixed(digits);
}

function textReport(report: Record<string, unknown>): string {
  const lines: string[] = [];
  const sklearn = report.sklearn as SklearnStatus & { versions?: Record<string, string> };
  lines.push(
    sklearn.available
      ? `scikit-learn ${sklearn.versions?.sklearn} (${sklearn.python}); texts cut to their first ${String(report.maxChars)} characters for every entry`
      : `scikit-learn reference: not available (${sklearn.reason})`,
  );
  type Comparison = {
    shared?: { bestF1: number; sklearnF1: number; f1Ratio: number | null; bestFp: number; sklearnFp: number };
    splits?: {
      n: number;
      bestF1: { mean: number; sd: number };
      sklearnF1: { mean: number; sd: number };
      f1Ratio: number | null;
      bestFp: { mean: number; sd: number };
      sklearnFp: { mean: number; sd: number };
    };
  };
  for (const [set, value] of Object.entries(
    report.datasets as Record<
      string,
      {
        shared?: { split: string; results: Result[]; seconds: number };
        splits?: { n: number; requested: number; stopped?: string; results: SplitSummary[]; seconds: number };
        comparison: Comparison | null;
      }
    >,
  )) {
    lines.push(`${set} (${round((value.shared?.seconds ?? 0) + (value.splits?.seconds ?? 0), 1)} s):`);
    if (value.shared) {
      lines.push(`  shared split (${value.shared.split}), ${value.shared.seconds} s:`);
      for (const r of value.shared.results) {
        lines.push(
          `    ${r.name.padEnd(62)} acc ${fixed(r.accuracy)} P ${fixed(r.precision)} R ${fixed(r.recall)} F1 ${fixed(r.f1)} MCC ${fixed(r.mcc)} FP ${r.fp} FN ${r.fn} ${r.threshold === null ? 'margin 0' : `thr ${fixed(r.threshold, 3)}`} ${r.trainSeconds} s${chosenText(r)}`,
        );
      }
    }
    if (value.splits) {
      const { n, requested, stopped } = value.splits;
      const count = n === requested ? `${n} fresh splits` : `${n} of ${requested} fresh splits`;
      lines.push(`  ${count} (mean ± sd), ${value.splits.seconds} s${stopped ? ` (${stopped})` : ''}:`);
      for (const r of value.splits.results) {
        const thr = r.threshold ? `thr ${fixed(r.threshold.mean, 3)} ± ${fixed(r.threshold.sd, 3)}` : 'margin 0';
        const chosen = r.sklearn ? ` [C ${r.perSplit.map((p) => p.sklearn?.C).join(', ')}]` : '';
        const partial = r.n < n ? ` (${r.n} of ${n} splits)` : '';
        lines.push(
          `    ${r.name.padEnd(62)}${partial} F1 ${fixed(r.mean.f1)} ± ${fixed(r.sd.f1)} FP ${fixed(r.mean.fp, 1)} ± ${fixed(r.sd.fp, 1)} FN ${fixed(r.mean.fn, 1)} ± ${fixed(r.sd.fn, 1)} MCC ${fixed(r.mean.mcc)} ${thr} ${fixed(r.mean.trainSeconds, 1)} s${chosen}`,
        );
      }
    }
    const c = value.comparison;
    if (c?.splits) {
      lines.push(
        `  best / sklearn, ${c.splits.n} fresh splits: F1 ${fixed(c.splits.bestF1.mean)} / ${fixed(c.splits.sklearnF1.mean)} = ${fixed(c.splits.f1Ratio)}; FP ${fixed(c.splits.bestFp.mean, 1)} ± ${fixed(c.splits.bestFp.sd, 1)} vs ${fixed(c.splits.sklearnFp.mean, 1)} ± ${fixed(c.splits.sklearnFp.sd, 1)}`,
      );
    }
    if (c?.shared) {
      lines.push(
        `  best / sklearn, shared split:   F1 ${fixed(c.shared.bestF1)} / ${fixed(c.shared.sklearnF1)} = ${fixed(c.shared.f1Ratio)}; FP ${c.shared.bestFp} vs ${c.shared.sklearnFp}`,
      );
    }
  }
  for (const error of (sklearn as { errors?: string[] }).errors ?? []) lines.push(`scikit-learn failed on ${error}`);
  lines.push(`total ${String(report.seconds)} s`);
  return `${lines.join('\n')}\n`;
}

runBench(main);
