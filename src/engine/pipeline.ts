import { contributionScale, explainByWord, shareBaseline } from './explain';
import type { Channel } from './message/channel';
import type {
  Algorithm,
  Classification,
  ClassifyOptions,
  Explanation,
  SparseVector,
  SpamClassifier,
  TrainedModel,
  Vectorizer,
} from './types';

/** Only the first this many characters (UTF-16 code units) of a text are classified, unless told otherwise. */
export const DEFAULT_MAX_CHARS = 20_000;
/** Words per side in an explanation, unless told otherwise. */
export const DEFAULT_TOP_FEATURES = 10;
/** The label is spam when the calibrated probability reaches this, unless the model has an operating point. */
export const SPAM_THRESHOLD = 0.5;

export interface SpamPipelineOptions {
  /** Classify only the first `maxChars` characters (default 20,000): bounds the time of one call. */
  readonly maxChars?: number;
  /** Spam when the calibrated probability is ≥ this (default SPAM_THRESHOLD; the artifact's operating point). */
  readonly threshold?: number;
  /** Per-channel thresholds (the artifact's operating point), for messages of a known channel. */
  readonly channelThresholds?: Readonly<Partial<Record<Channel, number>>>;
}

/** A decision threshold is a number in (0, 1]; anything else is refused with the field's name. */
export function checkThreshold(value: unknown, field = 'threshold'): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0 || value > 1) {
    throw new RangeError(`${field}: expected a number greater than 0 and at most 1, got ${String(value)}`);
  }
  return value;
}

/** text → TF-IDF features → model: the loaded, ready-to-use classifier. */
export class SpamPipeline implements SpamClassifier {
  readonly algorithm: Algorithm;
  readonly maxChars: number;
  /** The model's operating point: spam when the calibrated probability is ≥ this. */
  readonly threshold: number;
  /** The model's per-channel operating points (empty when it has one threshold for all). */
  readonly channelThresholds: Readonly<Partial<Record<Channel, number>>>;

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
    this.threshold = checkThreshold(options.threshold ?? SPAM_THRESHOLD);
    const channels: Partial<Record<Channel, number>> = {};
    for (const [channel, t] of Object.entries(options.channelThresholds ?? {})) {
      channels[channel as Channel] = checkThreshold(t, `channelThresholds.${channel}`);
    }
    this.channelThresholds = channels;
    this.algorithm = model.algorithm;
  }

  classify(text: string, options: ClassifyOptions = {}): Classification {
    const read = text.length > this.maxChars ? text.slice(0, this.maxChars) : text;
    const x = this.vectorizer.transform(read);
    const spamProbability = this.model.probability(x);
    const threshold =
      options.threshold === undefined ? this.thresholdFor(options.channel) : checkThreshold(options.threshold);
    const classification = {
      label: spamProbability >= threshold ? 1 : 0,
      spamProbability,
      score: this.model.decision(x),
      threshold,
    } as const;
    if (!options.explain) return classification;
    const top = options.topFeatures ?? DEFAULT_TOP_FEATURES;
    return { ...classification, explanation: this.explain(read, x, classification.score, top) };
  }

  /** The model's threshold for a message of this channel (its own one, or the model's general one). */
  thresholdFor(channel?: Channel): number {
    return (channel && this.channelThresholds[channel]) ?? this.threshold;
  }

  classifyBatch(texts: readonly string[], options?: ClassifyOptions): Classification[] {
    return texts.map((text) => this.classify(text, options));
  }

  /**
   * The words behind the decision, in log-odds of the calibrated probability (see `contributionScale`), with one
   * sign for the list and the page's highlights: positive = towards spam. The model's baseline is shared among the
   * message's features (`shareBaseline`), so the words' weights add up to the total. Spans are offsets in `read`.
   */
  private explain(read: string, x: SparseVector, decision: number, top: number): Explanation {
    const limit = Number.isInteger(top) && top >= 0 ? top : DEFAULT_TOP_FEATURES;
    const scale = contributionScale(this.model);
    const contributions = this.model.contributions(x);
    let pushed = 0;
    for (const c of contributions) pushed += c.weight;
    const baseline = scale.factor * (decision - pushed) + scale.offset;
    // In decision units, offset included, so the words' weights (scaled by factor) add up to the total.
    const shared = scale.factor === 0 ? 0 : baseline / scale.factor;
    const words = explainByWord(read, this.vectorizer, shareBaseline(contributions, x, shared), scale);
    return {
      unit: scale.unit,
      baseline,
      total: scale.factor * decision + scale.offset,
      towardsSpam: words.filter((w) => w.weight > 0).slice(0, limit),
      towardsHam: words.filter((w) => w.weight < 0).slice(0, limit),
    };
  }
}
