import type {
  Algorithm,
  Classification,
  ClassifyOptions,
  Explanation,
  FeatureContribution,
  SpamClassifier,
  TrainedModel,
  Vectorizer,
} from './types';

/** Only the first this many characters (UTF-16 code units) of a text are classified, unless told otherwise. */
export const DEFAULT_MAX_CHARS = 20_000;
/** Features per side in an explanation, unless told otherwise. */
export const DEFAULT_TOP_FEATURES = 10;
/** The label is spam when the calibrated probability reaches this. */
export const SPAM_THRESHOLD = 0.5;

export interface SpamPipelineOptions {
  /** Classify only the first `maxChars` characters (default 20,000): bounds the time of one call. */
  readonly maxChars?: number;
}

/** text → TF-IDF features → model: the loaded, ready-to-use classifier. */
export class SpamPipeline implements SpamClassifier {
  readonly algorithm: Algorithm;
  readonly maxChars: number;

  constructor(
    readonly vectorizer: Vectorizer,
    readonly model: TrainedModel,
    options: SpamPipelineOptions = {},
  ) {
    const maxChars = options.maxChars ?? DEFAULT_MAX_CHARS;
    if (!Number.isInteger(maxChars) || maxChars < 1) {
      throw new RangeError(`maxChars: expected a whole number ≥ 1, got ${String(maxChars)}`);
    }
    this.maxChars = maxChars;
    this.algorithm = model.algorithm;
  }

  classify(text: string, options: ClassifyOptions = {}): Classification {
    const x = this.vectorizer.transform(text.length > this.maxChars ? text.slice(0, this.maxChars) : text);
    const spamProbability = this.model.probability(x);
    const classification = {
      label: spamProbability >= SPAM_THRESHOLD ? 1 : 0,
      spamProbability,
      score: this.model.decision(x),
    } as const;
    if (!options.explain) return classification;
    return { ...classification, explanation: this.explain(x, options.topFeatures ?? DEFAULT_TOP_FEATURES) };
  }

  classifyBatch(texts: readonly string[]): Classification[] {
    return texts.map((text) => this.classify(text));
  }

  private explain(x: Parameters<TrainedModel['contributions']>[0], top: number): Explanation {
    const limit = Number.isInteger(top) && top >= 0 ? top : DEFAULT_TOP_FEATURES;
    const contributions = this.model.contributions(x);
    // Strongest first; ties by column so the order never depends on the model's output order.
    const strongest = (a: { index: number; weight: number }, b: { index: number; weight: number }): number =>
      Math.abs(b.weight) - Math.abs(a.weight) || a.index - b.index;
    const named = (list: Array<{ index: number; weight: number }>): FeatureContribution[] =>
      list
        .sort(strongest)
        .slice(0, limit)
        .map(({ index, weight }) => ({ feature: this.vectorizer.featureName(index), weight }));
    return {
      towardsSpam: named(contributions.filter((c) => c.weight > 0)),
      towardsHam: named(contributions.filter((c) => c.weight < 0)),
    };
  }
}
