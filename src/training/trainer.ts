import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  createArtifact,
  type ModelArtifact,
  MODEL_FILE,
  writeArtifactFile,
  DEFAULT_VECTORIZER_CONFIG,
  fitTfidfVectorizer,
  fitModelWithOutOfFold,
  DEFAULT_MAX_CHARS,
  type OperatingPoint,
  type Channel,
  CHANNELS,
  SpamPipeline,
  type Algorithm,
  type ModelParams,
  type VectorizerConfig,
} from '../engine';
import { countSpam, type LabelledText } from './datasets/labelled-text';
import { confusionMatrixSvg, precisionRecallSvg, rocCurveSvg, svgToPng } from './evaluation/charts';
import {
  averagePrecision,
  evaluate,
  type EvaluationMetrics,
  precisionRecallCurve,
  rocCurve,
} from './evaluation/metrics';
import { chooseOperatingPoint, DEFAULT_MAX_FP_RATE, DEFAULT_MAX_FP_RATES } from './evaluation/operating-point';
import {
  candidateWeights,
  type CandidateScore,
  describeCandidate,
  type SearchCandidate,
  searchFolds,
  searchHyperparameters,
  searchSpace,
} from './hyperparameter-search';

export type TrainingAlgorithm = Algorithm | 'best';

export interface TrainingProgress {
  readonly stage: 'search' | 'cross-validation' | 'fit' | 'evaluate' | 'write';
  /** Steps done and total, over the whole run. */
  readonly done: number;
  readonly total: number;
  readonly message: string;
}

export interface TrainingRequest {
  /** A model, or `best`: chosen by stratified cross-validation on the training rows among `searchSpace()`. */
  readonly algorithm: TrainingAlgorithm;
  /** Training rows; a row's `weight` (feedback) multiplies its loss. */
  readonly train: readonly LabelledText[];
  /** Held-out rows to report figures on, by name (e.g. `sms`, `email`); never used for fitting or choosing. */
  readonly evaluationSets?: Readonly<Record<string, readonly LabelledText[]>>;
  /** Folder for `model.json` and `report/`. */
  readonly outDir: string;
  /** Fixed algorithm only: the vectorizer (default: char_wb 2–5 + word 1–2, sublinear TF-IDF). */
  readonly vectorizer?: VectorizerConfig;
  /** Fixed algorithm only: hyperparameters over the engine's defaults. */
  readonly params?: ModelParams;
  /** `best` only: the candidates to search (default `searchSpace(...)`). */
  readonly candidates?: readonly SearchCandidate[];
  /** `best` only: start no new candidate after this long (default 45 s, so that search + fit stay near a minute). */
  readonly searchBudgetMs?: number;
  readonly seed?: number;
  /** Cross-validation folds for the figures of a fixed algorithm (default 5; 0 = none). */
  readonly cvFolds?: number;
  /** Train and classify on the first N characters of each text (default: the pipeline's 20,000). */
  readonly maxChars?: number;
  /**
   * The operating point: the decision threshold is the lowest spam probability at which the out-of-fold
   * false-positive rate on the training rows stays ≤ this (default DEFAULT_MAX_FP_RATE); null = threshold 0.5.
   */
  readonly maxFpRate?: number | null;
  /** Also write PNG renderings of the charts (default true). */
  readonly png?: boolean;
  readonly createdAt?: Date;
  readonly onProgress?: (progress: TrainingProgress) => void;
}

export interface CrossValidationSummary {
  readonly folds: number;
  /** Out-of-fold figures over all training rows. */
  readonly metrics: EvaluationMetrics;
  readonly perFold: EvaluationMetrics[];
}

export interface SearchSummaryEntry {
  readonly candidate: string;
  readonly algorithm: Algorithm;
  readonly vectorizer: string;
  readonly params: ModelParams;
  readonly f1: number;
  readonly precision: number;
  readonly recall: number;
  readonly fp: number;
  readonly fn: number;
  readonly objective: number;
}

export interface TrainingResult {
  readonly artifactPath: string;
  readonly artifact: ModelArtifact;
  readonly pipeline: SpamPipeline;
  /** Figures per evaluation set (spam at probability ≥ the operating point's threshold). */
  readonly evaluation: Readonly<Record<string, EvaluationMetrics>>;
  /** The decision threshold the model is served with (stored in the artifact), and how it was chosen. */
  readonly operatingPoint: OperatingPoint;
  readonly cv: CrossValidationSummary | null;
  /** `best`: every candidate's CV figures, best first. */
  readonly search: readonly SearchSummaryEntry[] | null;
  readonly reportDir: string;
  /** Flat parameters for tracking (MLflow params). */
  readonly params: Readonly<Record<string, string | number | boolean | null>>;
  readonly durationMs: number;
  readonly timings: Readonly<Record<string, number>>;
}

export const REPORT_DIR = 'report';
export const DEFAULT_SEED = 42;
export const DEFAULT_SEARCH_BUDGET_MS = 45_000;

/** A sha256 over the training rows in order (label, weight, text): equal data → equal fingerprint. */
export function fingerprintRows(rows: readonly LabelledText[]): string {
  const hash = createHash('sha256');
  for (const row of rows) hash.update(`${row.label}\u0000${row.weight ?? 1}\u0000${row.text}\u0001`);
  return hash.digest('hex');
}

/**
 * Fits the vectorizer and the model (with its calibration) on the training rows, reports cross-validated figures
 * from the training rows and final figures on each evaluation set, then writes `model.json` (atomically) and a
 * report folder (`report.json`, `training_stats.json`, confusion matrices, ROC and precision–recall curves).
 */
export async function trainModel(request: TrainingRequest): Promise<TrainingResult> {
  const started = Date.now();
  const timings: Record<string, number> = {};
  const seed = request.seed ?? DEFAULT_SEED;
  const maxChars = request.maxChars ?? DEFAULT_MAX_CHARS;
  if (request.train.length === 0) throw new Error('training data: no rows');
  const spam = countSpam(request.train);
  if (spam === 0 || spam === request.train.length) {
    throw new Error(`training data: needs both classes, got ${spam} spam and ${request.train.length - spam} ham rows`);
  }
  const texts = request.train.map((row) => (row.text.length > maxChars ? row.text.slice(0, maxChars) : row.text));
  const y = Uint8Array.from(request.train, (row) => row.label);
  const weighted = request.train.some((row) => row.weight !== undefined && row.weight !== 1);
  const sampleWeight = weighted ? Float64Array.from(request.train, (row) => row.weight ?? 1) : undefined;
  const evaluationSets = Object.entries(request.evaluationSets ?? {}).filter(([, rows]) => rows.length > 0);
  const totalChars = texts.reduce((sum, text) => sum + text.length, 0);

  let chosen: SearchCandidate;
  let cvScore: CandidateScore | null = null;
  let ranking: CandidateScore[] | null = null;
  let skippedCandidates = 0;
  const searchSteps =
    request.algorithm === 'best'
      ? (request.candidates ?? searchSpace(totalChars)).length + 4
      : (request.cvFolds ?? 5) > 0
        ? 2
        : 0;
  const total = searchSteps + 1 + evaluationSets.length + 1;
  let done = 0;
  const progress = (stage: TrainingProgress['stage'], message: string) =>
    request.onProgress?.({ stage, done, total, message });

  let mark = Date.now();
  if (request.algorithm === 'best') {
    const candidates = request.candidates ?? searchSpace(totalChars);
    if (candidates.length === 0) throw new Error('hyperparameter search: no candidates');
    const search = searchHyperparameters(texts, y, {
      candidates,
      folds: searchFolds(totalChars),
      seed,
      sampleWeight,
      maxFpRate: searchBudget(request),
      timeBudgetMs: request.searchBudgetMs ?? DEFAULT_SEARCH_BUDGET_MS,
      onProgress: (p) => {
        done = p.done;
        progress('search', p.message);
      },
    });
    done = searchSteps;
    ranking = search.ranking;
    skippedCandidates = search.skipped.length;
    cvScore = search.best;
    chosen = search.best.candidate;
    timings.searchMs = Date.now() - mark;
  } else {
    chosen = {
      algorithm: request.algorithm,
      vectorizerName: 'custom',
      vectorizer: request.vectorizer ?? DEFAULT_VECTORIZER_CONFIG,
      params: request.params ?? {},
    };
    const folds = request.cvFolds ?? 5;
    if (folds > 0) {
      progress('cross-validation', `cross-validating ${request.algorithm} (${folds} folds)`);
      cvScore = searchHyperparameters(texts, y, { candidates: [chosen], folds, seed, sampleWeight }).best;
      done = searchSteps;
      timings.crossValidationMs = Date.now() - mark;
    }
  }

  progress('fit', `fitting ${describeCandidate(chosen)} on ${texts.length} rows`);
  mark = Date.now();
  const { vectorizer, matrix } = fitTfidfVectorizer(texts, chosen.vectorizer);
  timings.vectorizeMs = Date.now() - mark;
  mark = Date.now();
  const { model, outOfFold } = fitModelWithOutOfFold(chosen.algorithm, matrix, y, chosen.params, {
    seed,
    sampleWeight: candidateWeights(y, sampleWeight, chosen.hamWeight),
  });
  const operatingPoint = chooseOperatingPoint({
    outOfFold,
    labels: y,
    channels: request.train.map(channelOf),
    maxFpRate: request.maxFpRate,
    how: outOfFoldMethod(model.algorithm, model.params),
  });
  const pipeline = new SpamPipeline(vectorizer, model, {
    maxChars,
    threshold: operatingPoint.threshold,
    channelThresholds: Object.fromEntries(
      Object.entries(operatingPoint.channels ?? {}).map(([channel, point]) => [channel, point.threshold]),
    ),
  });
  timings.fitMs = Date.now() - mark;
  done++;

  const evaluation: Record<string, EvaluationMetrics> = {};
  const curves: Record<string, { labels: number[]; scores: number[] }> = {};
  mark = Date.now();
  for (const [name, rows] of evaluationSets) {
    progress('evaluate', `evaluating on ${name} (${rows.length} rows)`);
    const labels = rows.map((row) => row.label);
    const scores = rows.map((row) => pipeline.classify(row.text).spamProbability);
    // A set of one channel is judged at that channel's threshold, as the service would decide its messages.
    const setChannels = new Set(rows.map(channelOf));
    const only = setChannels.size === 1 ? [...setChannels][0] : undefined;
    evaluation[name] = evaluate(labels, scores, pipeline.thresholdFor(only));
    curves[name] = { labels, scores };
    done++;
  }
  timings.evaluateMs = Date.now() - mark;

  progress('write', `writing the artifact and report to ${request.outDir}`);
  mark = Date.now();
  const cv: CrossValidationSummary | null = cvScore
    ? { folds: cvScore.folds.length, metrics: cvScore.cv, perFold: cvScore.folds }
    : null;
  const sources = [...new Set(request.train.map((row) => row.source))].sort();
  const artifact = createArtifact({
    vectorizer,
    model,
    metrics: { evaluation, ...(cv ? { cv: cv.metrics } : {}) },
    training: {
      fingerprint: fingerprintRows(request.train),
      rows: request.train.length,
      spam,
      ham: request.train.length - spam,
      sources,
    },
    operatingPoint,
    createdAt: request.createdAt,
  });
  const artifactPath = join(request.outDir, MODEL_FILE);
  await writeArtifactFile(artifactPath, artifact);
  const params = trackingParams(chosen, request, seed, maxChars, spam, evaluationSets, vectorizer.nFeatures);
  if (request.algorithm === 'best') params.search_skipped_candidates = skippedCandidates;
  params.threshold = operatingPoint.threshold;
  params.max_fp_rate = operatingPoint.maxFpRate;
  const search = ranking?.map(searchEntry) ?? null;
  const reportDir = join(request.outDir, REPORT_DIR);
  const durationMs = Date.now() - started;
  timings.writeMs = Date.now() - mark;
  await writeReport(reportDir, {
    artifact,
    operatingPoint,
    evaluation,
    curves,
    cv,
    search,
    params,
    durationMs,
    timings,
    png: request.png ?? true,
  });
  done++;
  progress('write', `done: ${artifactPath}`);
  return {
    artifactPath,
    artifact,
    pipeline,
    evaluation,
    operatingPoint,
    cv,
    search,
    reportDir,
    params,
    durationMs: Date.now() - started,
    timings,
  };
}

/** The row's channel: its own, or its source when that names one (the SMS and email corpora). */
export function channelOf(row: LabelledText): Channel | undefined {
  if (row.channel) return row.channel;
  return (CHANNELS as readonly string[]).includes(row.source) ? (row.source as Channel) : undefined;
}

/** The budget the search ranks candidates at: the one asked for, or the default of the rows' one channel. */
function searchBudget(request: TrainingRequest): number | null {
  if (request.maxFpRate !== undefined) return request.maxFpRate;
  const channels = new Set(request.train.map(channelOf));
  const only = channels.size === 1 ? [...channels][0] : undefined;
  return only ? DEFAULT_MAX_FP_RATES[only] : DEFAULT_MAX_FP_RATE;
}

/** In words, how the model's out-of-fold probabilities were made (for the operating point's `chosenBy`). */
function outOfFoldMethod(algorithm: string, params: ModelParams): string {
  if (algorithm === 'random_forest') return "the forest's out-of-bag trees";
  return `${params.calibrationFolds ?? 5}-fold cross-validation of the calibration`;
}

function searchEntry(score: CandidateScore): SearchSummaryEntry {
  return {
    candidate: describeCandidate(score.candidate),
    algorithm: score.candidate.algorithm,
    vectorizer: score.candidate.vectorizerName,
    params: score.candidate.params,
    f1: score.cv.f1,
    precision: score.cv.precision,
    recall: score.cv.recall,
    fp: score.cv.fp,
    fn: score.cv.fn,
    objective: score.objective,
  };
}

function trackingParams(
  chosen: SearchCandidate,
  request: TrainingRequest,
  seed: number,
  maxChars: number,
  spam: number,
  evaluationSets: ReadonlyArray<readonly [string, readonly LabelledText[]]>,
  nFeatures: number,
): Record<string, string | number | boolean | null> {
  const config = chosen.vectorizer;
  const params: Record<string, string | number | boolean | null> = {
    algorithm: chosen.algorithm,
    selection: request.algorithm === 'best' ? 'best by stratified CV on the training rows' : 'fixed',
    analyzers: config.analyzers
      .map((a) => `${a.kind} ${a.ngramRange[0]}-${a.ngramRange[1]}${'stem' in a && a.stem ? ' stemmed' : ''}`)
      .join(' + '),
    ngram_range: config.analyzers.map((a) => `${a.ngramRange[0]},${a.ngramRange[1]}`).join(' + '),
    max_features: config.maxFeatures,
    min_df: config.minDf,
    sublinear_tf: config.sublinearTf,
    n_features: nFeatures,
    seed,
    max_chars: maxChars,
    ham_weight: chosen.hamWeight ?? 1,
    n_train: request.train.length,
    n_train_spam: spam,
    n_train_ham: request.train.length - spam,
  };
  for (const [key, value] of Object.entries(flatModelParams(chosen.params))) params[`model.${key}`] = value;
  for (const [name, rows] of evaluationSets) {
    const setSpam = countSpam(rows);
    params[`n_eval_${name}`] = rows.length;
    params[`n_eval_${name}_spam`] = setSpam;
  }
  return params;
}

function flatModelParams(params: ModelParams): Record<string, string | number | boolean | null> {
  const out: Record<string, string | number | boolean | null> = {};
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined) continue;
    out[key] = typeof value === 'object' && value !== null ? JSON.stringify(value) : (value as string | number | null);
  }
  return out;
}

interface ReportInput {
  readonly artifact: ModelArtifact;
  readonly operatingPoint: OperatingPoint;
  readonly evaluation: Record<string, EvaluationMetrics>;
  readonly curves: Record<string, { labels: number[]; scores: number[] }>;
  readonly cv: CrossValidationSummary | null;
  readonly search: readonly SearchSummaryEntry[] | null;
  readonly params: Record<string, string | number | boolean | null>;
  readonly durationMs: number;
  readonly timings: Record<string, number>;
  readonly png: boolean;
}

async function writeReport(dir: string, input: ReportInput): Promise<void> {
  await mkdir(dir, { recursive: true });
  const files: Record<string, string | Buffer> = {};
  const svgs: Record<string, string> = {};
  const rocSeries = [];
  const prSeries = [];
  const averagePrecisions: Record<string, number> = {};
  for (const [name, metrics] of Object.entries(input.evaluation)) {
    svgs[`confusion_matrix_${safeName(name)}`] = confusionMatrixSvg(metrics, `Confusion matrix: ${name}`);
    const { labels, scores } = input.curves[name];
    rocSeries.push({ name, points: rocCurve(labels, scores), auc: metrics.rocAuc });
    prSeries.push({ name, points: precisionRecallCurve(labels, scores) });
    averagePrecisions[name] = averagePrecision(labels, scores);
  }
  if (rocSeries.length > 0) {
    svgs.roc_curve = rocCurveSvg(rocSeries);
    svgs.precision_recall_curve = precisionRecallSvg(prSeries);
  }
  for (const [name, svg] of Object.entries(svgs)) {
    files[`${name}.svg`] = svg;
    if (input.png) files[`${name}.png`] = svgToPng(svg);
  }
  const { metadata } = input.artifact;
  const trainingStats = {
    model_version: metadata.version,
    algorithm: metadata.algorithm,
    created_at: metadata.createdAt,
    training_time_seconds: input.durationMs / 1000,
    dataset: metadata.training,
    operating_point: input.operatingPoint,
    metrics: Object.fromEntries(
      Object.entries(input.evaluation).map(([name, m]) => [
        name,
        {
          accuracy: m.accuracy,
          precision: m.precision,
          recall: m.recall,
          f1_score: m.f1,
          mcc: m.mcc,
          roc_auc: m.rocAuc,
          average_precision: averagePrecisions[name],
          confusion_matrix: m.confusionMatrix,
          false_positives: m.fp,
          false_negatives: m.fn,
          n: m.n,
        },
      ]),
    ),
    cross_validation: input.cv && {
      folds: input.cv.folds,
      f1_score: input.cv.metrics.f1,
      precision: input.cv.metrics.precision,
      recall: input.cv.metrics.recall,
      false_positives: input.cv.metrics.fp,
      per_fold_f1: input.cv.perFold.map((f) => f.f1),
    },
    params: input.params,
  };
  files['training_stats.json'] = `${JSON.stringify(trainingStats, null, 2)}\n`;
  files['report.json'] = `${JSON.stringify(
    {
      model: { version: metadata.version, algorithm: metadata.algorithm, checksum: input.artifact.checksum },
      params: input.params,
      operatingPoint: input.operatingPoint,
      evaluation: input.evaluation,
      averagePrecision: averagePrecisions,
      cv: input.cv,
      search: input.search,
      durationMs: input.durationMs,
      timings: input.timings,
      charts: Object.keys(files).filter((f) => f.endsWith('.svg') || f.endsWith('.png')),
    },
    null,
    2,
  )}\n`;
  for (const [name, content] of Object.entries(files)) await writeFile(join(dir, name), content);
}

function safeName(name: string): string {
  return name.replace(/[^A-Za-z0-9_-]+/g, '_');
}
