import type { AnalyzerConfig, VectorizerConfig } from '../types';
import { isRecord } from '../is-record';

/**
 * The best configuration measured with scikit-learn on both splits (see ../shared/notes/baselines.md): character
 * n-grams 2–5 inside word boundaries plus words and word pairs, sublinear TF-IDF, each analyzer l2-normalised.
 * At most 100,000 terms per analyzer: no cut on the SMS data (71k char n-grams, 43k words), but the email corpus
 * has 1.2 million terms, and a table that large makes every lookup a cache miss (2× slower transform, 10× memory).
 */
export const DEFAULT_VECTORIZER_CONFIG: VectorizerConfig = {
  analyzers: [
    { kind: 'char_wb', ngramRange: [2, 5], lowercase: true },
    { kind: 'word', ngramRange: [1, 2], lowercase: true, stopWords: null, stem: false },
  ],
  maxFeatures: 100_000,
  minDf: 1,
  sublinearTf: true,
  smoothIdf: true,
  useIdf: true,
  norm: 'l2',
};

/** The seed's configuration: its preprocessing, TfidfVectorizer(max_features=3000, ngram_range=(1, 2)). */
export const SEED_VECTORIZER_CONFIG: VectorizerConfig = {
  analyzers: [{ kind: 'seed', ngramRange: [1, 2] }],
  maxFeatures: 3000,
  minDf: 1,
  sublinearTf: false,
  smoothIdf: true,
  useIdf: true,
  norm: 'l2',
};

/** Largest n in an n-gram range we accept: keeps transform linear with a small constant. */
export const MAX_NGRAM = 10;

/** A configuration problem, with the path of the offending field (e.g. `analyzers[1].ngramRange`). */
export class VectorizerConfigError extends Error {
  override readonly name = 'VectorizerConfigError';
  constructor(
    readonly field: string,
    problem: string,
  ) {
    super(`${field}: ${problem}`);
  }
}

function checkBoolean(value: unknown, field: string): boolean {
  if (typeof value !== 'boolean')
    throw new VectorizerConfigError(field, `expected true or false, got ${describeValue(value)}`);
  return value;
}

export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}

function checkNgramRange(value: unknown, field: string): [number, number] {
  if (
    !Array.isArray(value) ||
    value.length !== 2 ||
    !value.every((n) => Number.isInteger(n) && n >= 1 && n <= MAX_NGRAM) ||
    value[0] > value[1]
  ) {
    throw new VectorizerConfigError(
      field,
      `expected [min, max] with integers 1 ≤ min ≤ max ≤ ${MAX_NGRAM}, got ${describeValue(value)}`,
    );
  }
  return [value[0], value[1]];
}

function checkAnalyzer(value: unknown, field: string): AnalyzerConfig {
  if (!isRecord(value))
    throw new VectorizerConfigError(field, `expected an analyzer object, got ${describeValue(value)}`);
  const ngramRange = checkNgramRange(value.ngramRange, `${field}.ngramRange`);
  switch (value.kind) {
    case 'seed':
      return { kind: 'seed', ngramRange };
    case 'char_wb':
      return { kind: 'char_wb', ngramRange, lowercase: checkBoolean(value.lowercase, `${field}.lowercase`) };
    case 'word': {
      if (value.stopWords !== null && value.stopWords !== 'english') {
        throw new VectorizerConfigError(
          `${field}.stopWords`,
          `expected 'english' or null, got ${describeValue(value.stopWords)}`,
        );
      }
      return {
        kind: 'word',
        ngramRange,
        lowercase: checkBoolean(value.lowercase, `${field}.lowercase`),
        stopWords: value.stopWords,
        stem: checkBoolean(value.stem, `${field}.stem`),
      };
    }
    default:
      throw new VectorizerConfigError(
        `${field}.kind`,
        `expected 'seed', 'word' or 'char_wb', got ${describeValue(value.kind)}`,
      );
  }
}

/** Checks an untrusted configuration field by field and returns a clean copy. */
export function checkVectorizerConfig(value: unknown, field = 'config'): VectorizerConfig {
  if (!isRecord(value)) throw new VectorizerConfigError(field, `expected an object, got ${describeValue(value)}`);
  if (!Array.isArray(value.analyzers) || value.analyzers.length === 0 || value.analyzers.length > 8) {
    throw new VectorizerConfigError(
      `${field}.analyzers`,
      `expected 1 to 8 analyzers, got ${describeValue(value.analyzers)}`,
    );
  }
  const analyzers = value.analyzers.map((a, i) => checkAnalyzer(a, `${field}.analyzers[${i}]`));
  const maxFeatures = value.maxFeatures;
  if (maxFeatures !== null && !(Number.isInteger(maxFeatures) && (maxFeatures as number) >= 1)) {
    throw new VectorizerConfigError(
      `${field}.maxFeatures`,
      `expected a positive integer or null, got ${describeValue(maxFeatures)}`,
    );
  }
  const minDf = value.minDf;
  if (typeof minDf !== 'number' || !(minDf > 0) || (minDf > 1 && !Number.isInteger(minDf))) {
    throw new VectorizerConfigError(
      `${field}.minDf`,
      `expected a proportion in (0, 1] or a whole number of documents ≥ 1, got ${describeValue(minDf)}`,
    );
  }
  if (value.norm !== 'l2' && value.norm !== null) {
    throw new VectorizerConfigError(`${field}.norm`, `expected 'l2' or null, got ${describeValue(value.norm)}`);
  }
  return {
    analyzers,
    maxFeatures: maxFeatures as number | null,
    minDf,
    sublinearTf: checkBoolean(value.sublinearTf, `${field}.sublinearTf`),
    smoothIdf: checkBoolean(value.smoothIdf, `${field}.smoothIdf`),
    useIdf: checkBoolean(value.useIdf, `${field}.useIdf`),
    norm: value.norm,
  };
}

/** scikit-learn's min_df: a whole number ≥ 1 counts documents, a fraction below 1 is a proportion of them. */
export function minDocumentCount(minDf: number, documents: number): number {
  return minDf >= 1 ? minDf : minDf * documents;
}
