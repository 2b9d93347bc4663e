import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { SingleBar } from 'cli-progress';
import { resolve } from 'node:path';
import { DEFAULT_VECTORIZER_CONFIG } from '../../engine/features';
import { ALGORITHMS, type AnalyzerConfig, type ModelParams, type VectorizerConfig } from '../../engine';
import { loadCorpora } from '../datasets/corpora';
import { resolveDataDir } from '../datasets/data-dir';
import { DatasetError } from '../datasets/dataset-error';
import { loadLabelledFile } from '../datasets/labelled-file';
import type { LabelledText } from '../datasets/labelled-text';
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
    .action(async (options: TrainCliOptions, command: Command) =>
      run(options, (key) => command.getOptionValueSource(key) === 'cli'),
    );
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

async function train(options: TrainCliOptions, io: CliIo, afterTraining?: AfterTraining): Promise<number> {
  const dataDir = resolveDataDir(options.dataDir, io.env);
  let corpora;
  let feedback: LabelledText[] = [];
  try {
    if (options.algorithm !== 'best' && options.alpha !== undefined && options.algorithm !== 'naive_bayes') {
      throw new UsageError(`option '--alpha <a>' applies to naive_bayes only, not ${options.algorithm}`);
    }
    if (options.C !== undefined && !['svm', 'logistic_regression'].includes(options.algorithm)) {
      throw new UsageError(`option '--C <c>' applies to svm and logistic_regression only, not ${options.algorithm}`);
    }
    corpora = await loadCorpora(options.data, dataDir, options.seed);
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
      train: [...corpora.flatMap((c) => c.train), ...feedback],
      evaluationSets: Object.fromEntries(corpora.map((c) => [c.name, c.test])),
      outDir: out,
      vectorizer: options.algorithm === 'best' ? undefined : vectorizerFromOptions(options),
      params: options.algorithm === 'best' ? undefined : modelParamsFromOptions(options),
      seed: options.seed,
      cvFolds: options.folds,
      maxChars: options.maxChars,
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

function summaryJson(result: TrainingResult) {
  return {
    artifactPath: result.artifactPath,
    reportDir: result.reportDir,
    version: result.artifact.metadata.version,
    algorithm: result.artifact.metadata.algorithm,
    params: result.params,
    evaluation: result.evaluation,
    cv: result.cv && { folds: result.cv.folds, ...result.cv.metrics },
    durationMs: result.durationMs,
  };
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
  if (result.cv) add(`cv (${result.cv.folds} folds, train)`, result.cv.metrics);
  for (const [name, metrics] of Object.entries(result.evaluation)) add(`${name} test`, metrics);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  const { metadata } = result.artifact;
  return [
    `model ${metadata.version}: ${result.params.algorithm} on ${result.params.analyzers}` +
      ` (${metadata.nFeatures} features, ${metadata.training.rows} training rows, ${(result.durationMs / 1000).toFixed(1)} s)`,
    line(header),
    line(widths.map((w) => '-'.repeat(w))),
    ...rows.map(line),
    `artifact: ${result.artifactPath}`,
    `report:   ${result.reportDir}`,
    '',
  ].join('\n');
}
