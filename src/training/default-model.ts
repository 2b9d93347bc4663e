import { loadEmailCorpus, loadSmsCorpus, type Corpus } from './datasets/corpora';
import { resolveDataDir } from './datasets/data-dir';
import { DatasetError } from './datasets/dataset-error';
import type { LabelledText } from './datasets/labelled-text';
import { SEARCH_VECTORIZERS } from './hyperparameter-search';
import { trainModel, type TrainingProgress, type TrainingResult } from './trainer';

export interface DefaultModelOptions {
  /** Data folder (default: `resolveDataDir()`). */
  readonly dataDir?: string;
  readonly outDir: string;
  readonly onProgress?: (progress: TrainingProgress) => void;
  readonly seed?: number;
  readonly createdAt?: Date;
  /** Extra labelled rows (e.g. feedback) added to the training rows. */
  readonly extraRows?: readonly LabelledText[];
}

/**
 * The model family the search picks for email (linear SVM on sublinear TF-IDF of char_wb 2–5 grams, Platt-calibrated),
 * with fixed hyperparameters so that it trains in seconds at the service's first start: calibration uses 3 folds
 * (whose out-of-fold probabilities also choose each channel's threshold, see docs/operating-point.md).
 *
 * The vocabulary keeps the 30,000 most frequent n-grams seen in at least 5 texts. 5-fold CV on the training rows
 * (SMS + email, 9,293 rows): all 197,191 n-grams of min_df 2 F1 0.9729 (49 FP, 65 FN; folds 0.963–0.981), 30,000
 * F1 0.9720 (51, 67), 20,000 0.9713, 10,000 0.9681, 5,000 0.9600. 30,000 is within a tenth of the folds' spread of
 * the full vocabulary at a sixth of its size: the served model takes ~7 MB instead of ~30 MB and loads in a tenth
 * of the time (docs/footprint.md).
 *
 * Each text is learned from its first 20,000 characters, as the service reads them. Out-of-fold F1 at each channel's
 * default budget (training rows only): first 1,000 characters SMS 0.9602 / email 0.9680, 3,000 0.9620 / 0.9728,
 * 20,000 0.9638 / 0.9790; 100,000 features instead of 30,000 0.9620 / 0.9786; C=3 0.9611 / 0.9790; NBSVM (α 0.1)
 * 0.9428 / 0.9704. 20,000 characters cost ~1.5× the training time of 1,000 (≈ 12 s against 8 s on 2 cores).
 */
export const DEFAULT_MODEL = {
  algorithm: 'svm',
  vectorizer: { ...SEARCH_VECTORIZERS['char_wb 2-5, min_df 2'], minDf: 5, maxFeatures: 30_000 },
  params: { C: 1, classWeight: 'balanced', calibration: 'sigmoid', calibrationFolds: 3 },
  maxChars: 20_000,
} as const;

/**
 * Trains the default model on the training rows of every corpus present (the SMS collection in the data folder,
 * the SpamAssassin corpus of its npm package) and reports figures on each one's test rows.
 */
export async function trainDefaultModel(options: DefaultModelOptions): Promise<TrainingResult> {
  const dataDir = resolveDataDir(options.dataDir);
  const corpora: Corpus[] = [];
  const problems: string[] = [];
  for (const load of [() => loadSmsCorpus(dataDir), () => loadEmailCorpus(dataDir)]) {
    try {
      corpora.push(await load());
    } catch (error) {
      if (!(error instanceof DatasetError)) throw error;
      problems.push(error.message);
    }
  }
  if (corpora.length === 0) {
    throw new DatasetError(dataDir, undefined, `no training data for the default model: ${problems.join('; ')}`);
  }
  return trainModel({
    algorithm: DEFAULT_MODEL.algorithm,
    vectorizer: DEFAULT_MODEL.vectorizer,
    params: DEFAULT_MODEL.params,
    maxChars: DEFAULT_MODEL.maxChars,
    train: [...corpora.flatMap((corpus) => corpus.train), ...(options.extraRows ?? [])],
    evaluationSets: Object.fromEntries(corpora.map((corpus) => [corpus.name, corpus.test])),
    cvFolds: 0,
    outDir: options.outDir,
    seed: options.seed,
    createdAt: options.createdAt,
    onProgress: options.onProgress,
  });
}
