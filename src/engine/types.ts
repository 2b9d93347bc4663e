import type { Channel } from './message/channel';
/**
 * The engine's shared contracts: what flows from text to features to a model.
 * Plain TypeScript, no framework import, so the service, the training CLI and the benchmarks use the same code.
 *
 * Label convention everywhere in the engine: 1 = spam, 0 = not spam (ham).
 */

/** A sparse feature vector: `indices` strictly increasing, `values` aligned with them. */
export interface SparseVector {
  readonly indices: Int32Array;
  readonly values: Float64Array;
}

/** Rows of sparse vectors over `nFeatures` columns, as the models are fitted on. */
export interface SparseMatrix {
  readonly rows: readonly SparseVector[];
  readonly nFeatures: number;
}

export type Label = 0 | 1;

/** How text becomes tokens. Several analyzers can be combined into one feature space (a union). */
export type AnalyzerConfig =
  /** The seed's preprocessing: lowercase → Treebank word tokens → alphanumeric only → NLTK English stop words out → Porter stem; then word n-grams. */
  | { readonly kind: 'seed'; readonly ngramRange: readonly [number, number] }
  /** scikit-learn's default word analyzer: lowercase, token pattern (?u)\b\w\w+\b, word n-grams. */
  | {
      readonly kind: 'word';
      readonly ngramRange: readonly [number, number];
      readonly lowercase: boolean;
      readonly stopWords: 'english' | null;
      readonly stem: boolean;
    }
  /** scikit-learn's char_wb analyzer: character n-grams inside word boundaries, each word padded with one space. */
  | { readonly kind: 'char_wb'; readonly ngramRange: readonly [number, number]; readonly lowercase: boolean };

/** TF-IDF settings with scikit-learn's semantics (TfidfVectorizer). */
export interface VectorizerConfig {
  readonly analyzers: readonly AnalyzerConfig[];
  /** Keep the `maxFeatures` terms with the highest corpus term frequency (per analyzer); null = all. */
  readonly maxFeatures: number | null;
  readonly minDf: number;
  /** 1 + ln(tf) instead of tf. */
  readonly sublinearTf: boolean;
  /** idf = ln((1 + n) / (1 + df)) + 1 when smooth. */
  readonly smoothIdf: boolean;
  readonly useIdf: boolean;
  readonly norm: 'l2' | null;
}

export type Algorithm = 'naive_bayes' | 'svm' | 'logistic_regression' | 'random_forest';
export const ALGORITHMS: readonly Algorithm[] = ['naive_bayes', 'svm', 'logistic_regression', 'random_forest'];

/**
 * The unit of an explanation's weights. `log_odds`: a push on ln(p / (1 − p)) of the calibrated spam probability p
 * (+0.69 doubles the odds of spam); `probability`: a push on p itself (an uncalibrated random forest, whose
 * probability is its mean vote).
 */
export type ExplanationUnit = 'log_odds' | 'probability';

/** Where a word stands in the text the model read: UTF-16 offsets, `start` inclusive, `end` exclusive. */
export interface TextSpan {
  readonly start: number;
  readonly end: number;
}

/**
 * A word of the message (or a phrase of adjacent words, for word n-gram features) and its push on the decision:
 * the contributions of every feature drawn from it, summed over its occurrences, each feature carrying its share of
 * the model's baseline (in proportion to its squared TF-IDF value). Positive = towards spam.
 */
export interface WordContribution {
  /** Case-folded, without the punctuation around it ("winner" for "WINNER!!"); words of a phrase joined by a space. */
  readonly word: string;
  /** In the explanation's `unit`; positive = towards spam. */
  readonly weight: number;
  /** Where it occurs in the text the model read, in order. */
  readonly spans: readonly TextSpan[];
}

export interface Explanation {
  readonly unit: ExplanationUnit;
  /**
   * Where the model stands before reading any word (its bias), in `unit`; shared among the words, so it is part of
   * their weights, not added to them.
   */
  readonly baseline: number;
  /**
   * Where the message ends, in `unit`: the sum of every word's weight (a random forest also credits features absent
   * from the message, which no word carries). Spam from 0 in log-odds (from 0.5 in probability).
   */
  readonly total: number;
  /** Strongest first. */
  readonly towardsSpam: readonly WordContribution[];
  /** Strongest first (most negative first). */
  readonly towardsHam: readonly WordContribution[];
}

/** The result of classifying one message. */
export interface Classification {
  readonly label: Label;
  /** Calibrated probability that the message is spam, in [0, 1]. */
  readonly spamProbability: number;
  /** The model's raw decision value before calibration (> 0 leans spam for linear models). */
  readonly score: number;
  /** The decision threshold that decided the label: spam when spamProbability ≥ threshold. */
  readonly threshold: number;
  readonly explanation?: Explanation;
}

export interface ClassifyOptions {
  readonly explain?: boolean;
  /** How many words per side in an explanation (default 10). */
  readonly topFeatures?: number;
  /** Decide with this threshold instead of the model's operating point (a number in (0, 1]). */
  readonly threshold?: number;
  /** The message's channel: the model's threshold for that channel decides, when it has one. */
  readonly channel?: Channel;
}

/** Out-of-fold figures on the training rows at an operating point's threshold. */
export interface OperatingPointFigures {
  readonly fpRate: number;
  readonly recall: number;
  readonly precision: number;
  readonly f1: number;
  readonly fp: number;
  readonly fn: number;
}

/** One channel's threshold, chosen from the out-of-fold probabilities of that channel's training rows only. */
export interface ChannelOperatingPoint {
  readonly threshold: number;
  readonly maxFpRate: number | null;
  readonly cv: OperatingPointFigures | null;
}

/** The decision threshold a model is served with, and how it was chosen. */
export interface OperatingPoint {
  /** Spam when the calibrated spam probability is ≥ this; in (0, 1]. */
  readonly threshold: number;
  /** The false-positive rate the threshold was chosen for; null = not chosen for one (the plain 0.5). */
  readonly maxFpRate: number | null;
  /** In words, e.g. "out-of-fold probabilities of 5-fold cross-validation on 4,457 training rows". */
  readonly chosenBy: string;
  /** Out-of-fold figures at the threshold, when it was chosen by cross-validation. */
  readonly cv: OperatingPointFigures | null;
  /**
   * A model trained on several channels (SMS and email): each channel's own threshold, for messages known to be of
   * that channel; `threshold` decides the others. Email ham (newsletters) scores far higher than SMS ham, so one
   * threshold for both would be set by the email ham and cost the SMS recall.
   */
  readonly channels?: Readonly<Partial<Record<Channel, ChannelOperatingPoint>>>;
}

/** What the service, CLI and benchmarks call: a loaded, ready-to-use model. */
export interface SpamClassifier {
  readonly algorithm: Algorithm;
  classify(text: string, options?: ClassifyOptions): Classification;
  classifyBatch(texts: readonly string[], options?: ClassifyOptions): Classification[];
}

/** A fitted TF-IDF vectorizer (src/engine/features/). */
export interface Vectorizer {
  readonly config: VectorizerConfig;
  readonly nFeatures: number;
  /** Text → l2-normalised TF-IDF sparse vector. Total in time linear in the text's length; never throws. */
  transform(text: string): SparseVector;
  /** The term behind a column, for explanations ("free", "char_wb: ree"). */
  featureName(index: number): string;
  /** JSON-safe state for the artifact (vocabulary, idf). */
  toState(): VectorizerState;
}

export interface VectorizerState {
  readonly config: VectorizerConfig;
  /** Terms in column order. */
  readonly vocabulary: readonly string[];
  readonly idf: readonly number[];
}

/** Hyperparameters a model is fitted with; each algorithm reads the keys it knows. */
export interface ModelParams {
  /** naive_bayes: additive smoothing. */
  readonly alpha?: number;
  /** svm / logistic_regression: inverse regularisation strength, as in scikit-learn. */
  readonly C?: number;
  /** 'balanced' = n / (2 · n_class), as in scikit-learn; null = 1 for both. */
  readonly classWeight?: 'balanced' | null;
  /** random_forest. */
  readonly nEstimators?: number;
  readonly maxDepth?: number | null;
  readonly minSamplesLeaf?: number;
  /** random_forest: features tried per split; 'sqrt' of the column count by default. */
  readonly maxFeaturesPerSplit?: 'sqrt' | 'log2' | number;
  /** Probability calibration fitted on cross-validated decision values: 'sigmoid' (Platt) by default. */
  readonly calibration?: 'sigmoid' | 'none';
  readonly calibrationFolds?: number;
  readonly maxIter?: number;
  readonly tol?: number;
  /**
   * svm / logistic_regression: NBSVM (Wang and Manning 2012) — each feature scaled by its naive Bayes log-count
   * ratio (smoothed with this alpha) before the fit. Unset = plain features.
   */
  readonly nbAlpha?: number;
}

export interface FitOptions {
  readonly seed: number;
  /** Per-row weight (e.g. for feedback rows); 1 when absent. */
  readonly sampleWeight?: Float64Array;
}

/** A fitted model (src/engine/models/). */
export interface TrainedModel {
  readonly algorithm: Algorithm;
  readonly params: ModelParams;
  /** Raw decision value: higher leans spam; the label is spam when probability(x) ≥ 0.5. */
  decision(x: SparseVector): number;
  /** Calibrated spam probability in [0, 1]. */
  probability(x: SparseVector): number;
  /** Platt scaling of the decision, when fitted: P(spam) = 1 / (1 + exp(a·decision + b)). */
  readonly calibration?: { readonly a: number; readonly b: number } | null;
  /** Each non-zero feature's push on the decision (positive = towards spam), unsorted. */
  contributions(x: SparseVector): Array<{ index: number; weight: number }>;
  /** JSON-safe state for the artifact. */
  toState(): ModelState;
}

export interface ModelState {
  readonly algorithm: Algorithm;
  readonly params: ModelParams;
  readonly [key: string]: unknown;
}
