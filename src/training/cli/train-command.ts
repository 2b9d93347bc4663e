import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { SingleBar } from 'cli-progress';
import { basename, resolve } from 'node:path';
import { DEFAULT_VECTORIZER_CONFIG } from '../../engine/features';
import {
  ALGORITHMS,
  type AnalyzerConfig,
  type ModelParams,
  type OperatingPoint,
  type VectorizerConfig,
} from '../../engine';
import { loadCorpora } from '../datasets/corpora';
import { resolveDataDir } from '../datasets/data-dir';
import { DatasetError } from '../datasets/dataset-error';
import { loadLabelledFile } from '../datasets/labelled-file';
import { countSpam, type LabelledText } from '../datasets/labelled-text';
import { formatRate } from '../evaluation/operating-point';
import { trainModel, type TrainingAlgorithm, type TrainingProgress, type TrainingResult } from '../trainer';
import { type CliIo, EXIT_DATA, EXIT_FAILURE, EXIT_OK, EXIT_USAGE, firstLine, UsageError } from './cli-io';
import { parseHoldoutFraction, parseIsoInstant, parseRunId } from './job-options';

export const TRAINING_ALGORITHMS: readonly TrainingAlgorithm[] = [...ALGORITHMS, 'best'];
export const ANALYZERS = ['union', 'char_wb', 'word', 'seed'] as const;
type AnalyzerChoice = (typeof ANALYZERS)[number];

export interface TrainCliOptions {
  algorithm: TrainingAlgorithm;
  data: string;
  dataDir?: string;
  out?: string;
  seed: number;
  maxFeatures?: number | null;
  ngram: [number, number];
  charNgram: [number, number];
  analyzer: AnalyzerChoice;
  sublinear: boolean;
  C?: number;
  alpha?: number;
  classWeight?: 'balanced' | null;
  trees?: number;
  folds: number;
  maxChars?: number;
  feedback?: string;
  feedbackWeight: number;
  json: boolean;
  progress: boolean;
  register: boolean;
  promote: boolean;
  feedbackFromDatabase: boolean;
  runId?: string;
  feedbackUntil?: Date;
  feedbackHoldoutFraction?: number;
  /** A labelled file to evaluate on; the `--data` file then trains with all its rows. */
  test?: string;
  /** Unset: the trainer's default; null: threshold 0.5. */
  maxFpRate?: number | null;
}

/** What runs after a successful training when `--register`/`--promote` is given (the MLflow module's tracking). */
export type AfterTraining = (result: TrainingResult, options: TrainCliOptions, io: CliIo) => Promise<void>;

/**
 * `--feedback-from-database`: a retrain as the scheduler runs it, for a training Job (retraining's `retrainJob`,
 * wired by the CLI entry). Returns the exit code.
 */
export type FeedbackFromDatabase = (
  options: TrainCliOptions,
  given: (key: string) => boolean,
  io: CliIo,
) => Promise<number>;

/** Options a `--feedback-from-database` retrain refuses here (it trains and evaluates like a scheduled one). */
export const NOT_WITH_DATABASE: ReadonlyArray<readonly [key: string, flag: string]> = [
  ['test', '--test <file>'],
  ['maxFpRate', '--max-fp-rate <rate>'],
];

/** Options whose parser returns null for a word ("all", "none"). */
const NULLABLE = ['maxFeatures', 'classWeight', 'maxFpRate'] as const;

/** The built-in corpora `--data` names; anything else is a file path. */
const BUILT_IN_DATA = ['sms', 'email', 'all'];

/** Options that only mean something with `--feedback-from-database`. */
export const DATABASE_ONLY: ReadonlyArray<readonly [key: string, flag: string]> = [
  ['runId', '--run-id <id>'],
  ['feedbackUntil', '--feedback-until <iso>'],
  ['feedbackHoldoutFraction', '--feedback-holdout-fraction <f>'],
];

function integer(name: string, min: number, max = Number.MAX_SAFE_INTEGER) {
  return (raw: string): number => {
    const value = Number(raw);
    if (!/^\s*-?\d+\s*$/.test(raw) || !Number.isSafeInteger(value) || value < min || value > max) {
      throw new InvalidArgumentError(
        `${name} must be a whole number from ${min} to ${max}, got ${JSON.stringify(raw)}`,
      );
    }
    return value;
  };
}

function positiveNumber(name: string) {
  return (raw: string): number => {
    const value = Number(raw);
    if (raw.trim() === '' || !Number.isFinite(value) || value <= 0) {
      throw new InvalidArgumentError(`${name} must be a number > 0, got ${JSON.stringify(raw)}`);
    }
    return value;
  };
}

function range(name: string) {
  return (raw: string): [number, number] => {
    const match = /^\s*(\d+)\s*[,-]\s*(\d+)\s*$/.exec(raw);
    const low = match ? Number(match[1]) : Number.NaN;
    const high = match ? Number(match[2]) : Number.NaN;
    if (!match || low < 1 || high < low || high > 10) {
      throw new InvalidArgumentError(`${name} must be "min,max" with 1 ≤ min ≤ max ≤ 10, got ${JSON.stringify(raw)}`);
    }
    return [low, high];
  };
}

/** `--max-fp-rate`: a fraction 0 ≤ rate < 1, or `none` (null: plain 0.5 threshold). */
export function parseMaxFpRate(raw: string): number | null {
  if (raw.trim().toLowerCase() === 'none') return null;
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(value) || value < 0 || value >= 1) {
    throw new InvalidArgumentError(
      `max fp rate must be a number with 0 ≤ rate < 1 (a fraction: 0.001 = 0.1 %) or "none", got ${JSON.stringify(raw)}`,
    );
  }
  return value;
}

function maxFeatures(raw: string): number | null {
  if (raw.trim().toLowerCase() === 'all') return null;
  return integer('max features', 1, 10_000_000)(raw);
}

/** The vectorizer a fixed algorithm uses, from the command line's analyzer, n-gram ranges and vocabulary cap. */
export function vectorizerFromOptions(options: TrainCliOptions): VectorizerConfig {
  const word: AnalyzerConfig = {
    kind: 'word',
    ngramRange: options.ngram,
    lowercase: true,
    stopWords: null,
    stem: false,
  };
  const charWb: AnalyzerConfig = { kind: 'char_wb', ngramRange: options.charNgram, lowercase: true };
  const analyzers: Record<AnalyzerChoice, AnalyzerConfig[]> = {
    union: [charWb, word],
    char_wb: [charWb],
    word: [word],
    seed: [{ kind: 'seed', ngramRange: options.ngram }],
  };
  return {
    ...DEFAULT_VECTORIZER_CONFIG,
    analyzers: analyzers[options.analyzer],
    maxFeatures: options.maxFeatures ?? null,
    sublinearTf: options.sublinear,
  };
}

export function modelParamsFromOptions(options: TrainCliOptions): ModelParams {
  return {
    ...(options.C !== undefined ? { C: options.C } : {}),
    ...(options.alpha !== undefined ? { alpha: options.alpha } : {}),
    ...(options.classWeight !== undefined ? { classWeight: options.classWeight } : {}),
    ...(options.trees !== undefined ? { nEstimators: options.trees } : {}),
  };
}

function buildProgram(
  io: CliIo,
  run: (options: TrainCliOptions, given: (key: string) => boolean) => Promise<void>,
): Command {
  const program = new Command('train')
    .description('Train a spam model, evaluate it on the held-out rows and write model.json plus a report folder')
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr, outputError: (text, write) => write(text) })
    .showSuggestionAfterError(false)
    .addOption(
      new Option('--algorithm <name>', 'model, or "best" = chosen by cross-validation on the training rows')
        .choices(TRAINING_ALGORITHMS)
        .default('best'),
    )
    .option('--data <set>', 'sms, email, all (both) or the path of a labelled CSV/JSONL/TSV file', 'sms')
    .option(
      '--test <file>',
      'a labelled CSV/JSONL/TSV file to evaluate on (named by its file name); needs --data <file>, ' +
        'which then trains with all its rows instead of 80 %',
    )
    .option('--data-dir <dir>', 'data folder (default: $SPAM_DATA_DIR or ../shared/data)')
    .option('--out <dir>', 'output folder for model.json and report/ (default: var/training/<algorithm>-<time>)')
    .option('--seed <n>', 'random seed (splits, folds, models)', integer('seed', 0, 2 ** 31 - 1), 42)
    .option('--max-features <n>', 'vocabulary cap per analyzer, or "all" (fixed algorithms)', maxFeatures)
    .option('--ngram <min,max>', 'word n-gram range (fixed algorithms)', range('ngram'), [1, 2])
    .option('--char-ngram <min,max>', 'char_wb n-gram range (fixed algorithms)', range('char ngram'), [2, 5])
    .addOption(
      new Option('--analyzer <kind>', "features of a fixed algorithm: char_wb + word, one of them, or the seed's")
        .choices(ANALYZERS)
        .default('union'),
    )
    .option('--no-sublinear', 'raw term frequency instead of 1 + ln(tf)')
    .option('--C <c>', 'svm / logistic_regression: inverse regularisation', positiveNumber('C'))
    .option('--alpha <a>', 'naive_bayes: additive smoothing', positiveNumber('alpha'))
    .addOption(
      new Option('--class-weight <w>', 'class weights').choices(['balanced', 'none']).argParser((v) => {
        if (v !== 'balanced' && v !== 'none') throw new InvalidArgumentError(`Allowed choices are balanced, none.`);
        return v === 'balanced' ? 'balanced' : null;
      }),
    )
    .option('--trees <n>', 'random_forest: number of trees', integer('trees', 1, 2000))
    .option(
      '--folds <k>',
      'cross-validation folds for the figures of a fixed algorithm (0 = none)',
      integer('folds', 0, 20),
      5,
    )
    .option(
      '--max-chars <n>',
      'learn from and classify the first N characters of each text',
      integer('max chars', 100, 10_000_000),
    )
    .option(
      '--max-fp-rate <rate>',
      'operating point: the lowest spam threshold whose cross-validated false-positive rate on the training rows ' +
        'is ≤ rate (0 ≤ rate < 1, e.g. 0.001), or "none" for 0.5 (default: the trainer\'s)',
      parseMaxFpRate,
    )
    .option('--feedback <file>', 'extra labelled rows (CSV/JSONL) added to the training rows')
    .option(
      '--feedback-weight <w>',
      'weight of each feedback row without its own weight',
      positiveNumber('feedback weight'),
      2,
    )
    .option('--json', 'print the result as JSON on stdout instead of a table', false)
    .option('--no-progress', 'no progress bar on stderr')
    .option('--register', 'log the run to MLflow (or the local registry) and register a model version', false)
    .option('--promote', 'apply the quality gate to the registered version (implies --register)', false)
    .option(
      '--feedback-from-database',
      'retrain like the scheduler: base corpora + the feedback store (DATABASE_URL, else SQLite at FEEDBACK_DB_PATH); ' +
        'RETRAIN_DATA/RETRAIN_ALGORITHM/RETRAIN_CV_FOLDS/FEEDBACK_WEIGHT apply unless given here; prints one JSON line',
      false,
    )
    .option(
      '--run-id <id>',
      'with --feedback-from-database: the training run this is (recorded in its row)',
      parseRunId,
    )
    .option(
      '--feedback-until <iso>',
      'with --feedback-from-database: only labels given before this ISO 8601 instant',
      parseIsoInstant,
    )
    .option(
      '--feedback-holdout-fraction <f>',
      'with --feedback-from-database: share of the feedback held out for evaluation (default FEEDBACK_HOLDOUT_FRACTION)',
      parseHoldoutFraction,
    )
    .action(async (options: TrainCliOptions, command: Command) => {
      // Commander stores '' when an option's parser returns null ("all", "none"): give these their null back.
      for (const key of NULLABLE) if ((options[key] as unknown) === '') options[key] = null;
      return run(options, (key) => command.getOptionValueSource(key) === 'cli');
    });
  return program;
}

/**
 * `npm run train -- …`. Exit codes: 0 ok, 2 bad usage (one line naming the option and the allowed values),
 * 3 data missing or malformed, 1 training failure.
 */
export async function runTrainCli(
  argv: readonly string[],
  io: CliIo,
  afterTraining?: AfterTraining,
  feedbackFromDatabase?: FeedbackFromDatabase,
): Promise<number> {
  let exitCode = EXIT_OK;
  const program = buildProgram(io, async (options, given) => {
    if (options.feedbackFromDatabase) {
      const refused = NOT_WITH_DATABASE.find(([key]) => given(key));
      if (refused) {
        io.stderr(
          `error: option '${refused[1]}' does not apply with --feedback-from-database (a retrain trains and evaluates like a scheduled one)\n`,
        );
        exitCode = EXIT_USAGE;
        return;
      }
      if (feedbackFromDatabase) {
        exitCode = await feedbackFromDatabase(options, given, io);
      } else {
        io.stderr(`error: option '--feedback-from-database' is not available in this build\n`);
        exitCode = EXIT_USAGE;
      }
      return;
    }
    const misplaced = DATABASE_ONLY.find(([key]) => given(key));
    if (misplaced) {
      io.stderr(`error: option '${misplaced[1]}' applies only with --feedback-from-database\n`);
      exitCode = EXIT_USAGE;
      return;
    }
    exitCode = await train(options, io, afterTraining);
  });
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
    throw error;
  }
  return exitCode;
}

/** The training rows and the evaluation sets, by name. */
interface TrainingData {
  readonly train: LabelledText[];
  readonly evaluationSets: Record<string, readonly LabelledText[]>;
}

/**
 * `--data <file> --test <file>`: every row of the data file trains, the test file's rows are the one evaluation set,
 * named by the test file's base name. Problems with the test file name the option.
 */
async function loadWithTestFile(data: string, test: string, io: CliIo): Promise<TrainingData> {
  const train = await loadLabelledFile(data);
  const spam = countSpam(train);
  if (spam < 2 || train.length - spam < 2) {
    throw new DatasetError(
      data,
      undefined,
      `needs at least 2 spam and 2 ham rows to train, has ${spam} spam and ${train.length - spam} ham`,
    );
  }
  let rows: LabelledText[];
  try {
    rows = await loadLabelledFile(test);
  } catch (error) {
    if (error instanceof DatasetError) throw new TestFileError(error);
    throw error;
  }
  const testSpam = countSpam(rows);
  if (testSpam === 0 || testSpam === rows.length) {
    const only =
      testSpam === 0
        ? `only ham rows (${rows.length}): of its figures only the false positives and accuracy say something`
        : `only spam rows (${rows.length}): of its figures only the false negatives, recall and accuracy say something`;
    io.stderr(`warning: option '--test <file>': ${test} holds ${only}\n`);
  }
  const trainTexts = new Set(train.map((row) => row.text));
  const shared = rows.filter((row) => trainTexts.has(row.text)).length;
  if (shared > 0) {
    io.stderr(`note: ${shared} of the ${rows.length} --test rows have the same text as a --data row\n`);
  }
  return { train, evaluationSets: { [basename(test)]: rows } };
}

/** A `--test` file that cannot be used: reported as data error naming the option. */
class TestFileError extends DatasetError {
  constructor(cause: DatasetError) {
    super(cause.file, cause.line, cause.detail);
    this.message = `option '--test <file>': ${cause.message}`;
  }
}

async function train(options: TrainCliOptions, io: CliIo, afterTraining?: AfterTraining): Promise<number> {
  const dataDir = resolveDataDir(options.dataDir, io.env);
  let data: TrainingData;
  let feedback: LabelledText[] = [];
  try {
    if (options.algorithm !== 'best' && options.alpha !== undefined && options.algorithm !== 'naive_bayes') {
      throw new UsageError(`option '--alpha <a>' applies to naive_bayes only, not ${options.algorithm}`);
    }
    if (options.C !== undefined && !['svm', 'logistic_regression'].includes(options.algorithm)) {
      throw new UsageError(`option '--C <c>' applies to svm and logistic_regression only, not ${options.algorithm}`);
    }
    if (options.test !== undefined) {
      if (BUILT_IN_DATA.includes(options.data)) {
        throw new UsageError(
          `option '--test <file>' needs '--data <file>' (a labelled file that then trains with all its rows), not the built-in corpus "${options.data}"`,
        );
      }
      data = await loadWithTestFile(options.data, options.test, io);
    } else {
      const corpora = await loadCorpora(options.data, dataDir, options.seed);
      data = {
        train: corpora.flatMap((c) => c.train),
        evaluationSets: Object.fromEntries(corpora.map((c) => [c.name, c.test])),
      };
    }
    if (options.feedback) {
      feedback = (await loadLabelledFile(resolve(options.feedback), 'feedback')).map((row) => ({
        ...row,
        weight: row.weight ?? options.feedbackWeight,
      }));
    }
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`error: ${error.message}\n`);
      return EXIT_USAGE;
    }
    io.stderr(`error: ${firstLine(error)}\n`);
    return error instanceof DatasetError ? EXIT_DATA : EXIT_FAILURE;
  }
  const out = resolve(
    options.out ?? `var/training/${options.algorithm}-${new Date().toISOString().replace(/[-:]/g, '').slice(0, 15)}`,
  );
  const bar =
    options.progress && io.interactive
      ? new SingleBar({ format: ' {bar} {percentage}% | {message}', stream: process.stderr, hideCursor: true })
      : undefined;
  const onProgress = (p: TrainingProgress) => {
    if (bar) {
      if (!bar.isActive) bar.start(p.total, p.done, { message: p.message });
      bar.setTotal(p.total);
      bar.update(p.done, { message: p.message });
    } else if (options.progress) {
      io.stderr(`[${p.done}/${p.total}] ${p.message}\n`);
    }
  };
  let result: TrainingResult;
  try {
    result = await trainModel({
      algorithm: options.algorithm,
      train: [...data.train, ...feedback],
      evaluationSets: data.evaluationSets,
      outDir: out,
      vectorizer: options.algorithm === 'best' ? undefined : vectorizerFromOptions(options),
      params: options.algorithm === 'best' ? undefined : modelParamsFromOptions(options),
      seed: options.seed,
      cvFolds: options.folds,
      maxChars: options.maxChars,
      ...(options.maxFpRate !== undefined ? { maxFpRate: options.maxFpRate } : {}),
      onProgress,
    });
  } catch (error) {
    bar?.stop();
    io.stderr(`error: training failed: ${firstLine(error)}\n`);
    return EXIT_FAILURE;
  }
  bar?.stop();
  io.stdout(options.json ? `${JSON.stringify(summaryJson(result), null, 2)}\n` : summaryTable(result));
  if ((options.register || options.promote) && afterTraining) {
    try {
      await afterTraining(result, options, io);
    } catch (error) {
      io.stderr(`warning: the model is trained but tracking failed: ${firstLine(error)}\n`);
    }
  }
  return EXIT_OK;
}

/** `--json`: figures per evaluation set (by name), the CV figures when any, and the operating point. */
export function summaryJson(result: TrainingResult) {
  return {
    artifactPath: result.artifactPath,
    reportDir: result.reportDir,
    version: result.artifact.metadata.version,
    algorithm: result.artifact.metadata.algorithm,
    params: result.params,
    evaluation: result.evaluation,
    cv: result.cv && { folds: result.cv.folds, ...result.cv.metrics },
    operatingPoint: result.operatingPoint,
    durationMs: result.durationMs,
  };
}

/**
 * One line on where the model calls a text spam and how that threshold was chosen, e.g. `operating point: spam at
 * p ≥ 0.73 (lowest threshold keeping the false-positive rate ≤ 0.1 % on out-of-fold probabilities …: out-of-fold FP
 * rate 0.08 %, recall 94.1 %)`.
 */
export function operatingPointLine(point: OperatingPoint): string {
  const figures = point.cv
    ? `: out-of-fold FP rate ${formatRate(point.cv.fpRate)}, recall ${formatRate(point.cv.recall)}`
    : '';
  return `operating point: spam at p ≥ ${point.threshold} (${point.chosenBy}${figures})`;
}

/** The table printed at the end: one row per evaluation set (and CV), then where the files are. */
export function summaryTable(result: TrainingResult): string {
  const header = ['set', 'n', 'accuracy', 'precision', 'recall', 'f1', 'mcc', 'roc_auc', 'fp', 'fn'];
  const rows: string[][] = [];
  const add = (name: string, m: TrainingResult['evaluation'][string]) =>
    rows.push([
      name,
      String(m.n),
      m.accuracy.toFixed(4),
      m.precision.toFixed(4),
      m.recall.toFixed(4),
      m.f1.toFixed(4),
      m.mcc.toFixed(4),
      m.rocAuc === null ? '-' : m.rocAuc.toFixed(4),
      String(m.fp),
      String(m.fn),
    ]);
  if (result.cv) {
    // The search's CV figures are at their own threshold (0.5); say so when the model is served at another.
    const at = result.cv.metrics.threshold;
    const other = at !== result.operatingPoint.threshold ? `, at p ≥ ${at}` : '';
    add(`cv (${result.cv.folds} folds, train${other})`, result.cv.metrics);
  }
  for (const [name, metrics] of Object.entries(result.evaluation)) add(`${name} test`, metrics);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  const { metadata } = result.artifact;
  return [
    `model ${metadata.version}: ${result.params.algorithm} on ${result.params.analyzers}` +
      ` (${metadata.nFeatures} features, ${metadata.training.rows} training rows, ${(result.durationMs / 1000).toFixed(1)} s)`,
    operatingPointLine(result.operatingPoint),
    line(header),
    line(widths.map((w) => '-'.repeat(w))),
    ...rows.map(line),
    `artifact: ${result.artifactPath}`,
    `report:   ${result.reportDir}`,
    '',
  ].join('\n');
}
