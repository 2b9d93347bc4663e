import { createHash } from 'node:crypto';
import { ArtifactCodec, type ServedArtifact } from '../src/classifier/model-artifact.port';
import {
  createArtifact,
  parseArtifact,
  pipelineFromArtifact,
  serializeArtifact,
  type ModelArtifact,
} from '../src/engine/artifact';
import { DEFAULT_VECTORIZER_CONFIG, fitTfidfVectorizer } from '../src/engine/features';
import { fitModel } from '../src/engine/models';
import type { Classification, SpamClassifier } from '../src/engine/types';
import type { EvaluationFigures, TrainingRunInput } from '../src/mlflow/run-input';
import { confusionMatrixFiles } from '../src/training/publish-input';

/**
 * Until the engine's `createArtifact`/`parseArtifact` exist: a small artifact with the same envelope (metadata,
 * sha256 checksum over the rest) and a codec that verifies the checksum as the engine's does.
 */
export function syntheticArtifactBytes(version: string, spamWord = 'free'): string {
  const body = {
    format: { name: 'spam-classifier-artifact', version: 1 },
    metadata: {
      version,
      algorithm: 'naive_bayes' as const,
      createdAt: `2026-11-27T14:00:00.000Z`,
      training: { fingerprint: `fp-${version}`, rows: 5572, spam: 747, ham: 4825, sources: ['sms'] },
    },
    model: { spamWord },
  };
  const checksum = createHash('sha256').update(JSON.stringify(body)).digest('hex');
  return JSON.stringify({ ...body, checksum });
}

export class SyntheticArtifactCodec extends ArtifactCodec {
  parse(bytes: string | Buffer, source: string): ServedArtifact {
    let parsed: Record<string, unknown>;
    try {
      parsed = JSON.parse(bytes.toString()) as Record<string, unknown>;
    } catch {
      throw new Error(`${source}: not JSON`);
    }
    const { checksum, ...body } = parsed;
    const actual = createHash('sha256').update(JSON.stringify(body)).digest('hex');
    if (actual !== checksum) throw new Error(`${source}: checksum mismatch (sha256 ${actual} ≠ ${String(checksum)})`);
    return parsed as unknown as ServedArtifact;
  }

  toClassifier(artifact: ServedArtifact): SpamClassifier {
    const word = (artifact.model as { spamWord: string }).spamWord;
    const classify = (text: string): Classification => {
      const spam = text.toLowerCase().includes(word);
      return { label: spam ? 1 : 0, spamProbability: spam ? 0.9 : 0.1, score: spam ? 1 : -1, threshold: 0.5 };
    };
    return { algorithm: 'naive_bayes', classify, classifyBatch: (texts) => texts.map((t) => classify(t)) };
  }
}

export function figures(tp: number, fp: number, tn: number, fn: number): EvaluationFigures {
  const precision = tp / (tp + fp);
  const recall = tp / (tp + fn);
  const n = tp + fp + tn + fn;
  return {
    n,
    accuracy: (tp + tn) / n,
    precision,
    recall,
    f1: (2 * tp) / (2 * tp + fp + fn),
    mcc: (tp * tn - fp * fn) / Math.sqrt((tp + fp) * (tp + fn) * (tn + fp) * (tn + fn)),
    rocAuc: 0.99,
    tp,
    fp,
    tn,
    fn,
  };
}

/**
 * A training result as the training side hands it over (with its confusion matrix chart), for a model scoring `test`
 * on the fixed test split. The artifact is synthetic: the registry only reads its metadata and checksum.
 */
export function trainingInput(version: string, test: EvaluationFigures): TrainingRunInput {
  const artifactBytes = syntheticArtifactBytes(version);
  const artifact = JSON.parse(artifactBytes) as ModelArtifact;
  return {
    artifactBytes,
    artifact,
    params: {
      maxFeatures: 5000,
      ngramRange: [1, 2],
      seed: 42,
      trainRows: 4457,
      testRows: 1115,
      hyperparameters: { alpha: 0.1, calibration: 'sigmoid' },
    },
    evaluation: { test },
    cvFolds: [
      { f1: 0.93, accuracy: 0.98 },
      { f1: 0.95, accuracy: 0.985 },
      { f1: 0.94, accuracy: 0.982 },
    ],
    durationMs: 2350,
    reportFiles: confusionMatrixFiles(test, 'test'),
  };
}

/** The engine's own artifact code behind the service port, as production wires it. */
export class EngineCodec extends ArtifactCodec {
  parse(bytes: string | Buffer, source: string): ServedArtifact {
    return parseArtifact(bytes, source) as unknown as ServedArtifact;
  }

  toClassifier(artifact: ServedArtifact): SpamClassifier {
    return pipelineFromArtifact(artifact as unknown as ModelArtifact);
  }
}

export const TINY_SPAM = [
  'WINNER!! You have won a £1000 cash prize, call 09061701461 now to claim',
  'FREE entry to win a brand new mobile, text WIN to 80086',
  'URGENT! Your account has a prize waiting, claim your free reward now',
  'Congratulations, you won a free holiday! Call now to claim the prize',
  'Free ringtones! Text TONE to 87121 to get your free tones now',
  'You have been selected for a cash award, call our claims line now',
];
export const TINY_HAM = [
  'Hey, are we still on for dinner tonight?',
  'I will call you when I get home from work',
  'Can you pick up some milk on the way back?',
  'Sorry I missed your call, I was in a meeting',
  'Happy birthday! Hope you have a lovely day',
  'See you at the station at half past six',
];

/** A real engine artifact (TF-IDF + logistic regression on a tiny corpus) and its training-run input. */
export function engineTrainingInput(C: number, test: EvaluationFigures, createdAt: Date): TrainingRunInput {
  const texts = [...TINY_SPAM, ...TINY_HAM];
  const y = Uint8Array.from(texts, (_, i) => (i < TINY_SPAM.length ? 1 : 0));
  const { vectorizer, matrix } = fitTfidfVectorizer(texts, DEFAULT_VECTORIZER_CONFIG);
  const model = fitModel('logistic_regression', matrix, y, { C, calibration: 'none' }, { seed: 1 });
  const artifact = createArtifact({
    vectorizer,
    model,
    metrics: { test: { f1: test.f1, fp: test.fp } },
    training: {
      fingerprint: `sha256:tiny-${C}`,
      rows: texts.length,
      spam: TINY_SPAM.length,
      ham: TINY_HAM.length,
      sources: ['tiny'],
    },
    createdAt,
  });
  return {
    artifactBytes: serializeArtifact(artifact),
    artifact,
    params: { maxFeatures: null, ngramRange: [1, 1], seed: 1, hyperparameters: { C, calibration: 'none' } },
    evaluation: { test },
    durationMs: 40,
  };
}
