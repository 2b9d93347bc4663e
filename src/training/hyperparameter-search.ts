import {
  fitTfidfVectorizer,
  fitModel,
  fitSigmoidCalibration,
  calibratedProbability,
  type Algorithm,
  type ModelParams,
  type SparseMatrix,
  type VectorizerConfig,
} from '../engine';
import { evaluate, type EvaluationMetrics } from './evaluation/metrics';
import { figuresAt, thresholdForFpRate } from './evaluation/operating-point';
import { stratifiedKFold } from './evaluation/stratified-split';
import type { OperatingPointFigures } from '../engine';

/** One point of the search: a vectorizer configuration and a model with its hyperparameters. */
export interface SearchCandidate {
  readonly algorithm: Algorithm;
  /** A short name of the vectorizer configuration (`char_wb 2-5`, …), for reports. */
  readonly vectorizerName: string;
  readonly vectorizer: VectorizerConfig;
  readonly params: ModelParams;
  /**
   * Cost of a false positive relative to a false negative (default 1): ham rows get this weight in the fit and in
   * the Platt calibration, so "probability ≥ 0.5" becomes the cost-weighted decision and favours precision.
   */
  readonly hamWeight?: number;
}

/** Row weights for a candidate: the rows' own weights (feedback) times its ham weight; undefined when all are 1. */
export function candidateWeights(
  y: Uint8Array,
  sampleWeight: Float64Array | undefined,
  hamWeight = 1,
): Float64Array | undefined {
  if (hamWeight === 1) return sampleWeight;
  return Float64Array.from(y, (label, i) => (sampleWeight ? sampleWeight[i] : 1) * (label === 0 ? hamWeight : 1));
}

export interface CandidateScore {
  readonly candidate: SearchCandidate;
  /** Out-of-fold figures of the calibrated prediction (Platt on the pooled out-of-fold decisions, spam at ≥ 0.5). */
  readonly cv: EvaluationMetrics;
  /** Figures per fold (decisions thresholded by the same pooled calibration). */
  readonly folds: EvaluationMetrics[];
  /** Each training row's out-of-fold calibrated spam probability (for choosing or studying thresholds). */
  readonly outOfFold: Float64Array;
  /** With a false-positive budget: the out-of-fold threshold for it and the figures there. */
  readonly atBudget: { readonly threshold: number; readonly figures: OperatingPointFigures } | null;
  readonly objective: number;
  readonly durationMs: number;
}

export interface SearchResult {
  readonly best: CandidateScore;
  /** Every candidate scored, best first. */
  readonly ranking: CandidateScore[];
  /** Candidates left out because the time budget ran out (the list is in order of preference). */
  readonly skipped: SearchCandidate[];
  readonly folds: number;
  readonly durationMs: number;
}

export interface SearchProgress {
  readonly done: number;
  readonly total: number;
  readonly message: string;
}

export interface SearchOptions {
  readonly candidates: readonly SearchCandidate[];
  readonly folds?: number;
  readonly seed: number;
  readonly sampleWeight?: Float64Array;
  /**
   * The false-positive budget the model will be served at: candidates are then ranked by their out-of-fold F1 at
   * the threshold that keeps this budget (see chooseOperatingPoint). Null or unset: by `objectiveOf` at 0.5.
   */
  readonly maxFpRate?: number | null;
  readonly onProgress?: (progress: SearchProgress) => void;
  /**
   * Stop starting new candidates after this many milliseconds (the first candidate always runs). Unset = no
   * limit. Results stay deterministic unless the budget is reached, which the result reports in `skipped`.
   */
  readonly timeBudgetMs?: number;
  readonly now?: () => number;
}

/**
 * Weight of a false positive in the objective `F1 − FP_PENALTY · false-positive rate`. Flagging a legitimate
 * message costs more than letting one spam through: on the SMS training rows (3,859 ham, 598 spam) one false
 * positive costs F1 like one false negative plus 0.0026, i.e. about two and a half missed spam.
 */
export const FP_PENALTY = 10;

export function objectiveOf(metrics: EvaluationMetrics): number {
  const fpRate = metrics.fp + metrics.tn === 0 ? 0 : metrics.fp / (metrics.fp + metrics.tn);
  return metrics.f1 - FP_PENALTY * fpRate;
}

/**
 * Stratified k-fold cross-validation of every candidate on the TRAINING rows only. Each vectorizer configuration
 * is fitted once on all training rows (its vocabulary and idf never see a test row; the held-out fold sharing them
 * is a small optimistic bias common to every candidate), then each model is fitted on k − 1 folds without
 * calibration and scored on the held-out fold. A Platt sigmoid fitted on the pooled out-of-fold decisions turns
 * them into the probabilities the final, calibrated model would give; the candidate with the best objective wins
 * (ties: the earlier candidate, so the order of the list is the order of preference).
 */
export function searchHyperparameters(texts: readonly string[], y: Uint8Array, options: SearchOptions): SearchResult {
  const now = options.now ?? Date.now;
  const started = now();
  const overBudget = () =>
    options.timeBudgetMs !== undefined && scores.size > 0 && now() - started > options.timeBudgetMs;
  const k = options.folds ?? 5;
  const folds = stratifiedKFold(y, k, options.seed);
  const byVectorizer = new Map<string, SearchCandidate[]>();
  for (const candidate of options.candidates) {
    const list = byVectorizer.get(candidate.vectorizerName) ?? [];
    list.push(candidate);
    byVectorizer.set(candidate.vectorizerName, list);
  }
  const total = options.candidates.length + byVectorizer.size;
  let done = 0;
  const scores = new Map<SearchCandidate, CandidateScore>();
  const skipped: SearchCandidate[] = [];
  for (const [name, candidates] of byVectorizer) {
    if (overBudget()) {
      skipped.push(...candidates);
      continue;
    }
    options.onProgress?.({ done, total, message: `vectorizing (${name})` });
    const { matrix } = fitTfidfVectorizer(texts, candidates[0].vectorizer);
    done++;
    for (const candidate of candidates) {
      if (overBudget()) {
        skipped.push(candidate);
        continue;
      }
      options.onProgress?.({ done, total, message: `cross-validating ${describeCandidate(candidate)}` });
      scores.set(candidate, crossValidate(candidate, matrix, y, folds, options));
      done++;
    }
  }
  const ranking = options.candidates
    .map((candidate, order) => ({ score: scores.get(candidate), order }))
    .filter((entry): entry is { score: CandidateScore; order: number } => entry.score !== undefined)
    .sort((a, b) => b.score.objective - a.score.objective || a.order - b.order)
    .map(({ score }) => score);
  const note = skipped.length > 0 ? ` (time budget reached, ${skipped.length} candidates skipped)` : '';
  options.onProgress?.({ done: total, total, message: `best: ${describeCandidate(ranking[0].candidate)}${note}` });
  return { best: ranking[0], ranking, skipped, folds: k, durationMs: now() - started };
}

function crossValidate(
  candidate: SearchCandidate,
  matrix: SparseMatrix,
  y: Uint8Array,
  folds: ReturnType<typeof stratifiedKFold>,
  options: SearchOptions,
): CandidateScore {
  const started = Date.now();
  const weights = candidateWeights(y, options.sampleWeight, candidate.hamWeight);
  const decisions = new Float64Array(y.length);
  folds.forEach((fold, f) => {
    const X: SparseMatrix = { rows: fold.train.map((i) => matrix.rows[i]), nFeatures: matrix.nFeatures };
    const model = fitModel(
      candidate.algorithm,
      X,
      Uint8Array.from(fold.train, (i) => y[i]),
      { ...candidate.params, calibration: 'none' },
      {
        seed: options.seed + f,
        sampleWeight: weights && Float64Array.from(fold.train, (i) => weights[i]),
      },
    );
    for (const i of fold.test) decisions[i] = model.decision(matrix.rows[i]);
  });
  const calibration = fitSigmoidCalibration(decisions, y, weights);
  const probabilities = decisions.map((d) => calibratedProbability(calibration, d));
  const cv = evaluate(y, probabilities);
  const perFold = folds.map((fold) =>
    evaluate(
      fold.test.map((i) => y[i]),
      fold.test.map((i) => probabilities[i]),
    ),
  );
  const budget = options.maxFpRate ?? null;
  const threshold = budget === null ? null : thresholdForFpRate(probabilities, y, budget);
  const atBudget = threshold === null ? null : { threshold, figures: figuresAt(probabilities, y, threshold) };
  return {
    candidate,
    cv,
    folds: perFold,
    outOfFold: probabilities,
    atBudget,
    objective: atBudget ? atBudget.figures.f1 : objectiveOf(cv),
    durationMs: Date.now() - started,
  };
}

export function describeCandidate(candidate: SearchCandidate): string {
  const p = candidate.params;
  const knobs = [
    p.C !== undefined ? `C=${p.C}` : '',
    p.alpha !== undefined ? `alpha=${p.alpha}` : '',
    p.nEstimators !== undefined ? `trees=${p.nEstimators}` : '',
    p.nbAlpha !== undefined ? `nb_alpha=${p.nbAlpha}` : '',
    p.classWeight ? `class_weight=${p.classWeight}` : '',
    candidate.hamWeight && candidate.hamWeight !== 1 ? `ham_weight=${candidate.hamWeight}` : '',
  ].filter(Boolean);
  return `${candidate.algorithm} (${candidate.vectorizerName}${knobs.length ? `, ${knobs.join(', ')}` : ''})`;
}

const TFIDF = { maxFeatures: null, minDf: 1, sublinearTf: true, smoothIdf: true, useIdf: true, norm: 'l2' } as const;

/** The vectorizer configurations the search tries (named for reports). */
export const SEARCH_VECTORIZERS = {
  'char_wb 2-5': { ...TFIDF, analyzers: [{ kind: 'char_wb', ngramRange: [2, 5], lowercase: true }] },
  'char_wb 1-5': { ...TFIDF, analyzers: [{ kind: 'char_wb', ngramRange: [1, 5], lowercase: true }] },
  /** For long texts (email): n-grams seen in one document only are dropped, a third of the columns, same CV F1. */
  'char_wb 2-5, min_df 2': {
    ...TFIDF,
    minDf: 2,
    analyzers: [{ kind: 'char_wb', ngramRange: [2, 5], lowercase: true }],
  },
  'char_wb 2-5 + word 1-2': {
    ...TFIDF,
    analyzers: [
      { kind: 'char_wb', ngramRange: [2, 5], lowercase: true },
      { kind: 'word', ngramRange: [1, 2], lowercase: true, stopWords: null, stem: false },
    ],
  },
  'word 1-2': {
    ...TFIDF,
    analyzers: [{ kind: 'word', ngramRange: [1, 2], lowercase: true, stopWords: null, stem: false }],
  },
  /**
   * Char n-grams in two blocks (1–5 and 2–5, each normalised) beside the words: a linear model over it sees the char
   * n-grams with about twice the weight of the words in its inner products, which scores better by nested CV on the
   * SMS training rows than either block alone or one char block beside the words (see searchSpace).
   */
  'char_wb 1-5 + char_wb 2-5 + word 1-2': {
    ...TFIDF,
    analyzers: [
      { kind: 'char_wb', ngramRange: [1, 5], lowercase: true },
      { kind: 'char_wb', ngramRange: [2, 5], lowercase: true },
      { kind: 'word', ngramRange: [1, 2], lowercase: true, stopWords: null, stem: false },
    ],
  },
} as const satisfies Record<string, VectorizerConfig>;

export type SearchVectorizerName = keyof typeof SEARCH_VECTORIZERS;

function candidate(
  algorithm: Algorithm,
  vectorizerName: SearchVectorizerName,
  params: ModelParams,
  hamWeight?: number,
): SearchCandidate {
  return {
    algorithm,
    vectorizerName,
    vectorizer: SEARCH_VECTORIZERS[vectorizerName],
    params,
    ...(hamWeight ? { hamWeight } : {}),
  };
}

/** Above this many training characters (≈ the SMS training rows ×4) the search uses the email grid and 3 folds. */
export const LARGE_CORPUS_CHARS = 1_500_000;

/**
 * The grid for `--algorithm best`, in order of preference (earlier wins ties). Candidates are ranked by their
 * out-of-fold F1 at the threshold that keeps the false-positive budget (DEFAULT_MAX_FP_RATE unless told otherwise).
 *
 * SMS-sized data: a linear SVM over char n-grams counted twice beside the words. Each grid was judged by nested
 * CV (`npm run bench:nested-cv`) on the SMS training rows (5 outer folds × 2 seeds; search, fit and threshold inside
 * each outer training part, F1 and false positives per held-out fold of 772 ham, 0.1 % budget):
 * - this grid: F1 0.9750 with 1.5 false positives;
 * - the earlier grid (SVM on char_wb 1–5 at C=3 or C=1 balanced, SVM and logistic regression on char_wb 2–5 + word
 *   1–2, naive Bayes on words): 0.9708 with 1.9;
 * - the same with seven NBSVM candidates ahead of it: 0.9694 with 1.8 (NBSVM wins the inner folds, not the nested
 *   CV; the engine still fits it on request); the 22-candidate grid before that: 0.9690 with 2.0.
 * Single configurations in the same nested CV: char_wb 1–5 + char_wb 2–5 + word 1–2 at C=1, 3 and 0.5 0.9746–0.9750
 * (1.4–1.6 FP), char_wb 1–5 + word 1–2 0.9730, char_wb 1–5 alone 0.9708; averaging the calibrated log-odds of two or
 * three of the earlier grid's models 0.970–0.974, and choosing such an average by the inner CV 0.9715. A wider grid
 * loses what it gains to the noise of choosing (ten single configurations: 0.9725), so this one is small; logistic
 * regression and naive Bayes stay last for a search restricted to them.
 *
 * Larger data (email): the strongest configurations only, so that search + fit stays near a minute. 3-fold CV on the
 * SpamAssassin training rows (first 20,000 characters) at a 0.4 % budget: svm C=3 ham 2 F1 0.9884 (13 FP, 22 FN),
 * C=3 ham 1 0.9878, NBSVM α=0.1 0.9868, logistic regression 0.9847; at 0.1 %: 0.9744, 0.9705, 0.9564, 0.9557.
 * NBSVM does not win on email, so it is not in that grid.
 */
export function searchSpace(totalChars: number, algorithms?: readonly Algorithm[]): SearchCandidate[] {
  const large = totalChars > LARGE_CORPUS_CHARS;
  const fewerFolds = { calibrationFolds: 3 };
  const grid: SearchCandidate[] = large
    ? [
        candidate('svm', 'char_wb 2-5, min_df 2', { C: 3, classWeight: 'balanced', ...fewerFolds }, 2),
        candidate('svm', 'char_wb 2-5, min_df 2', { C: 1, classWeight: 'balanced', ...fewerFolds }, 2),
        candidate('svm', 'char_wb 2-5, min_df 2', { C: 3, classWeight: 'balanced', ...fewerFolds }, 1.5),
        candidate('svm', 'char_wb 2-5, min_df 2', { C: 3, classWeight: 'balanced', ...fewerFolds }),
        candidate('svm', 'char_wb 2-5, min_df 2', { C: 3, classWeight: 'balanced', ...fewerFolds }, 3),
        candidate('logistic_regression', 'char_wb 2-5, min_df 2', { C: 30, classWeight: 'balanced', ...fewerFolds }),
        candidate('naive_bayes', 'char_wb 2-5, min_df 2', { alpha: 0.01, ...fewerFolds }),
      ]
    : [
        candidate('svm', 'char_wb 1-5 + char_wb 2-5 + word 1-2', { C: 1, classWeight: null }),
        candidate('svm', 'char_wb 1-5 + char_wb 2-5 + word 1-2', { C: 3, classWeight: null }),
        candidate('logistic_regression', 'char_wb 2-5 + word 1-2', { C: 30, classWeight: 'balanced' }),
        candidate('naive_bayes', 'word 1-2', { alpha: 0.03 }),
      ];
  return algorithms ? grid.filter((c) => algorithms.includes(c.algorithm)) : grid;
}

export function searchFolds(totalChars: number): number {
  return totalChars > LARGE_CORPUS_CHARS ? 3 : 5;
}
