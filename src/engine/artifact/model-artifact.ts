import { createHash } from 'node:crypto';
import { tfidfVectorizerFromState, type TfidfVectorizerState } from '../features/tfidf-vectorizer';
import { modelFromState } from '../models';
import { CHANNELS, type Channel } from '../message/channel';
import { SpamPipeline, type SpamPipelineOptions } from '../pipeline';
import {
  ALGORITHMS,
  type Algorithm,
  type ModelParams,
  type OperatingPoint,
  type ModelState,
  type TrainedModel,
  type Vectorizer,
  type VectorizerConfig,
} from '../types';
import { ArtifactError } from './artifact-error';
import { canonicalJson } from './canonical-json';
import { isRecord } from '../is-record';

export const ARTIFACT_FORMAT = 'spam-classifier-model';
export const ARTIFACT_FORMAT_VERSION = 1;

/** Where the model's training rows came from. */
export interface TrainingProvenance {
  /** A fingerprint (e.g. sha256) of the training rows, so two artifacts can be traced to the same data. */
  readonly fingerprint: string;
  readonly rows: number;
  readonly spam: number;
  readonly ham: number;
  readonly sources: readonly string[];
}

/** Any JSON object of figures, e.g. `{ test: EvaluationMetrics, cv: { f1: 0.97 } }`. */
export type ArtifactMetrics = Readonly<Record<string, unknown>>;

export interface ArtifactMetadata {
  /** `20261127T140512Z-3f9a1c2b`: creation time (UTC, sortable) and the start of the content hash. */
  readonly version: string;
  readonly algorithm: Algorithm;
  /** ISO 8601, UTC. */
  readonly createdAt: string;
  readonly nFeatures: number;
  readonly vectorizerConfig: VectorizerConfig;
  readonly modelParams: ModelParams;
  readonly metrics: ArtifactMetrics;
  readonly training: TrainingProvenance;
  /**
   * The decision threshold the model is served with and how it was chosen; absent = 0.5 (artifacts made before
   * operating points). Part of the content hash when present: it changes what the model decides.
   */
  readonly operatingPoint?: OperatingPoint;
  /**
   * sha256 of the vectorizer, the model, the training provenance and the operating point: equal for equal inputs,
   * whenever made.
   */
  readonly contentHash: string;
}

/** A trained model as stored: versioned JSON, checked by a sha256 over its canonical form. Holds no code. */
export interface ModelArtifact {
  readonly format: typeof ARTIFACT_FORMAT;
  readonly formatVersion: typeof ARTIFACT_FORMAT_VERSION;
  readonly metadata: ArtifactMetadata;
  readonly vectorizer: TfidfVectorizerState;
  readonly model: ModelState;
  /** sha256 (hex) of the canonical JSON of everything else in the artifact. */
  readonly checksum: string;
}

export interface CreateArtifactInput {
  readonly vectorizer: Vectorizer;
  readonly model: TrainedModel;
  readonly metrics: ArtifactMetrics;
  readonly training: TrainingProvenance;
  readonly operatingPoint?: OperatingPoint;
  readonly createdAt?: Date;
}

/** Objects built while parsing, kept so pipelineFromArtifact does not rebuild them. */
const built = new WeakMap<ModelArtifact, { vectorizer: Vectorizer; model: TrainedModel }>();

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/**
 * `metadata.contentHash`: what the model computes with (vectorizer, model, operating point) and what it learned from
 * (training). Without an operating point the hash is the one artifacts had before operating points existed.
 */
function contentHashOf(vectorizer: unknown, model: unknown, training: unknown, operatingPoint?: unknown): string {
  return sha256(
    canonicalJson(
      operatingPoint === undefined ? { vectorizer, model, training } : { vectorizer, model, training, operatingPoint },
    ),
  );
}

/**
 * What a refused value was, without the value: artifact errors reach logs and the public model page, and a file that
 * is not an artifact (or one made to look like one) must not have its content shown through them.
 */
function kindOf(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (typeof value === 'string') return `a string of ${value.length} characters`;
  if (typeof value === 'number') return Number.isInteger(value) ? 'a whole number' : 'a number';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

/**
 * The engine's state checks (vectorizer, model) end their messages with the value they refused ("…, got 'x'",
 * "… (got x)", "duplicate term 'x'"); the artifact reader keeps the field and the rule and drops the value.
 */
function withoutValue(message: string): string {
  return message
    .replace(/ \(got [\s\S]*\)$/, '')
    .replace(/,? got [\s\S]*$/, '')
    .replace(/(duplicate term) [\s\S]*$/, '$1');
}

function compactTimestamp(date: Date): string {
  return date
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z')
    .replace(/[-:]/g, '');
}

/** Builds an artifact from a fitted vectorizer and model. Same inputs and createdAt → the same bytes. */
export function createArtifact(input: CreateArtifactInput): ModelArtifact {
  const createdAt = input.createdAt ?? new Date();
  if (Number.isNaN(createdAt.getTime())) throw new ArtifactError('createdAt: not a valid date');
  const vectorizer = input.vectorizer.toState() as TfidfVectorizerState;
  const model = input.model.toState();
  if (vectorizer.vocabulary.length !== input.vectorizer.nFeatures) {
    throw new ArtifactError('vectorizer: its state does not hold one term per feature');
  }
  const training = checkTraining(JSON.parse(canonicalJson(input.training, 'training')));
  const metrics = JSON.parse(canonicalJson(jsonSafeFigures(input.metrics), 'metrics')) as ArtifactMetrics;
  const operatingPoint =
    input.operatingPoint === undefined
      ? undefined
      : checkOperatingPoint(JSON.parse(canonicalJson(input.operatingPoint, 'operatingPoint')), 'operatingPoint');
  const contentHash = contentHashOf(vectorizer, model, training, operatingPoint);
  const metadata: ArtifactMetadata = {
    version: `${compactTimestamp(createdAt)}-${contentHash.slice(0, 8)}`,
    algorithm: input.model.algorithm,
    createdAt: createdAt.toISOString(),
    nFeatures: input.vectorizer.nFeatures,
    vectorizerConfig: vectorizer.config,
    modelParams: model.params,
    metrics,
    training,
    ...(operatingPoint ? { operatingPoint } : {}),
    contentHash,
  };
  const payload = {
    format: ARTIFACT_FORMAT,
    formatVersion: ARTIFACT_FORMAT_VERSION,
    metadata,
    vectorizer,
    model,
  } as const;
  const artifact: ModelArtifact = { ...payload, checksum: sha256(canonicalJson(payload)) };
  built.set(artifact, { vectorizer: input.vectorizer, model: input.model });
  return artifact;
}

/**
 * Metrics are figures for people: an undefined figure (NaN, e.g. MCC with one class) is stored as null and typed
 * arrays as arrays, rather than refusing the whole artifact. Model and vectorizer state get no such leniency.
 */
function jsonSafeFigures(value: unknown): unknown {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (ArrayBuffer.isView(value) && !(value instanceof DataView))
    return Array.from(value as unknown as ArrayLike<number>, jsonSafeFigures);
  if (Array.isArray(value)) return value.map(jsonSafeFigures);
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, jsonSafeFigures(item)]));
  }
  return value;
}

/** The artifact's bytes: canonical JSON (one line) and a newline. */
export function serializeArtifact(artifact: ModelArtifact): string {
  return `${canonicalJson(artifact)}\n`;
}

const TOP_LEVEL_KEYS = ['checksum', 'format', 'formatVersion', 'metadata', 'model', 'vectorizer'];

/**
 * Reads an artifact from untrusted bytes: JSON, format name and version, checksum, then every field (the vectorizer
 * and model are rebuilt to prove they load). Throws ArtifactError saying what is wrong and where (`source`).
 */
export function parseArtifact(bytes: string | Buffer, source = 'artifact'): ModelArtifact {
  const fail = (problem: string): never => {
    throw new ArtifactError(`${source}: ${problem}`);
  };
  const json = typeof bytes === 'string' ? bytes : bytes.toString('utf8');
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch (error) {
    // JSON.parse quotes the text around the fault; only its position is kept.
    const position = /position (\d+)/.exec((error as Error).message)?.[1];
    fail(
      `not valid JSON, the file is truncated or corrupted, or not an artifact${position ? ` (at byte ${position})` : ''}`,
    );
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) fail('expected a JSON object');
  const a = parsed as Record<string, unknown>;
  if (a.format !== ARTIFACT_FORMAT) fail(`format: expected '${ARTIFACT_FORMAT}', got ${kindOf(a.format)}`);
  if (a.formatVersion !== ARTIFACT_FORMAT_VERSION) {
    fail(
      `unsupported formatVersion ${Number.isSafeInteger(a.formatVersion) ? String(a.formatVersion) : `(${kindOf(a.formatVersion)})`}: this build reads formatVersion ${ARTIFACT_FORMAT_VERSION} only`,
    );
  }
  const unknown = Object.keys(a).filter((key) => !TOP_LEVEL_KEYS.includes(key));
  if (unknown.length > 0)
    fail(`${unknown.length} unknown top-level field(s); expected only ${TOP_LEVEL_KEYS.join(', ')}`);
  if (typeof a.checksum !== 'string' || !/^[0-9a-f]{64}$/.test(a.checksum)) {
    fail(`checksum: expected 64 lowercase hex digits (sha256), got ${kindOf(a.checksum)}`);
  }
  const { checksum, ...payload } = a;
  let computed = canonicalPayloadChecksum(bytes, checksum as string);
  if (computed !== checksum) {
    try {
      computed = sha256(canonicalJson(payload));
    } catch (error) {
      fail((error as Error).message);
    }
  }
  if (computed !== checksum) {
    fail('checksum mismatch: the content was modified or corrupted since the checksum was written');
  }
  try {
    const metadata = checkMetadata(a.metadata);
    const vectorizer = tfidfVectorizerFromState(a.vectorizer);
    const model = rebuildModel(a.model);
    if (model.algorithm !== metadata.algorithm) {
      fail(`metadata.algorithm ${metadata.algorithm} does not match model.algorithm ${model.algorithm}`);
    }
    const modelFeatures = (a.model as Record<string, unknown>).nFeatures;
    if (modelFeatures !== vectorizer.nFeatures || metadata.nFeatures !== vectorizer.nFeatures) {
      fail(
        `the vectorizer has ${vectorizer.nFeatures} features but metadata.nFeatures is ${metadata.nFeatures} and model.nFeatures is ${Number.isSafeInteger(modelFeatures) ? String(modelFeatures) : kindOf(modelFeatures)}`,
      );
    }
    // The checksum proves the bytes are whole, not who made them: anyone can recompute it. The version carries the
    // start of the content hash, so edited weights either fail here or come out under another version.
    const contentHash = contentHashOf(a.vectorizer, a.model, metadata.training, metadata.operatingPoint);
    if (contentHash !== metadata.contentHash) {
      fail(
        'metadata.contentHash does not match the vectorizer, model and training it describes: the content was edited',
      );
    }
    if (!metadata.version.endsWith(`-${contentHash.slice(0, 8)}`)) {
      fail('metadata.version does not end with the start of the content hash: the version was edited');
    }
    const artifact = parsed as ModelArtifact;
    built.set(artifact, { vectorizer, model });
    return artifact;
  } catch (error) {
    if (error instanceof ArtifactError && error.message.startsWith(`${source}: `)) throw error;
    return fail(withoutValue((error as Error).message));
  }
}

/**
 * The checksum straight from the bytes when they are in the canonical form serializeArtifact writes: "checksum" sorts
 * first, so the canonical payload is `{` plus everything after the checksum field, and need not be re-serialised
 * (half of the load time of a large model). Undefined when the bytes are not in that form (e.g. pretty-printed).
 */
function canonicalPayloadChecksum(bytes: string | Buffer, checksum: string): string | undefined {
  const head = `{"checksum":"${checksum}",`;
  if (typeof bytes === 'string') {
    if (!bytes.startsWith(head)) return undefined;
    const end = bytes.endsWith('\n') ? bytes.length - 1 : bytes.length;
    return createHash('sha256').update('{').update(bytes.slice(head.length, end)).digest('hex');
  }
  // The head is ASCII, so its length in bytes is its length in characters; hashing the bytes skips re-encoding.
  if (bytes.length < head.length || bytes.toString('latin1', 0, head.length) !== head) return undefined;
  const end = bytes[bytes.length - 1] === 0x0a ? bytes.length - 1 : bytes.length;
  return createHash('sha256').update('{').update(bytes.subarray(head.length, end)).digest('hex');
}

/** The ready-to-use classifier of an artifact. */
export function pipelineFromArtifact(artifact: ModelArtifact, options: SpamPipelineOptions = {}): SpamPipeline {
  let parts = built.get(artifact);
  if (!parts) {
    parts = { vectorizer: tfidfVectorizerFromState(artifact.vectorizer), model: rebuildModel(artifact.model) };
    built.set(artifact, parts);
  }
  return new SpamPipeline(parts.vectorizer, parts.model, withOperatingPoint(artifact.metadata, options));
}

/** The pipeline options with the artifact's threshold, unless the caller gives one. */
export function withOperatingPoint(
  metadata: Pick<ArtifactMetadata, 'operatingPoint'>,
  options: SpamPipelineOptions,
): SpamPipelineOptions {
  const point = metadata.operatingPoint;
  if (!point) return options;
  const channelThresholds = Object.fromEntries(
    Object.entries(point.channels ?? {}).map(([channel, entry]) => [channel, entry.threshold]),
  );
  return {
    ...options,
    threshold: options.threshold ?? point.threshold,
    channelThresholds: options.channelThresholds ?? channelThresholds,
  };
}

function fraction(value: unknown, field: string, { zero, one }: { zero: boolean; one: boolean }): number {
  const ok =
    typeof value === 'number' &&
    Number.isFinite(value) &&
    (zero ? value >= 0 : value > 0) &&
    (one ? value <= 1 : value < 1);
  if (!ok) {
    throw new ArtifactError(
      `${field}: expected a number ${zero ? '≥' : '>'} 0 and ${one ? '≤' : '<'} 1, got ${kindOf(value)}`,
    );
  }
  return value as number;
}

function checkOperatingPoint(value: unknown, field: string): OperatingPoint {
  if (!isRecord(value)) throw new ArtifactError(`${field}: expected an object, got ${kindOf(value)}`);
  fraction(value.threshold, `${field}.threshold`, { zero: false, one: true });
  if (value.maxFpRate !== null) fraction(value.maxFpRate, `${field}.maxFpRate`, { zero: true, one: false });
  text(value.chosenBy, `${field}.chosenBy`);
  if (value.cv !== null) {
    if (!isRecord(value.cv))
      throw new ArtifactError(`${field}.cv: expected an object or null, got ${kindOf(value.cv)}`);
    for (const key of ['fpRate', 'recall', 'precision', 'f1'] as const) {
      fraction(value.cv[key], `${field}.cv.${key}`, { zero: true, one: true });
    }
    count(value.cv.fp, `${field}.cv.fp`);
    count(value.cv.fn, `${field}.cv.fn`);
  }
  if (value.channels !== undefined) {
    if (!isRecord(value.channels)) throw new ArtifactError(`${field}.channels: expected an object`);
    for (const [channel, entry] of Object.entries(value.channels)) {
      if (!CHANNELS.includes(channel as Channel)) {
        throw new ArtifactError(`${field}.channels: expected keys ${CHANNELS.join(', ')}, got another key`);
      }
      checkOperatingPoint({ ...(entry as object), chosenBy: 'per channel' }, `${field}.channels.${channel}`);
    }
  }
  return value as unknown as OperatingPoint;
}

function rebuildModel(state: unknown): TrainedModel {
  try {
    return modelFromState(state);
  } catch (error) {
    throw new ArtifactError(`model: ${(error as Error).message}`);
  }
}

function count(value: unknown, field: string): number {
  if (!Number.isInteger(value) || (value as number) < 0) {
    throw new ArtifactError(`${field}: expected a whole number ≥ 0, got ${kindOf(value)}`);
  }
  return value as number;
}

function text(value: unknown, field: string, pattern?: RegExp): string {
  if (typeof value !== 'string' || value.length === 0 || (pattern && !pattern.test(value))) {
    throw new ArtifactError(
      `${field}: expected ${pattern ? `a string matching ${pattern}` : 'a non-empty string'}, got ${kindOf(value)}`,
    );
  }
  return value;
}

function checkTraining(value: unknown, field = 'training'): TrainingProvenance {
  if (!isRecord(value)) throw new ArtifactError(`${field}: expected an object, got ${kindOf(value)}`);
  const sources = value.sources;
  if (!Array.isArray(sources) || !sources.every((s) => typeof s === 'string')) {
    throw new ArtifactError(`${field}.sources: expected an array of strings, got ${kindOf(sources)}`);
  }
  const training = {
    fingerprint: text(value.fingerprint, `${field}.fingerprint`),
    rows: count(value.rows, `${field}.rows`),
    spam: count(value.spam, `${field}.spam`),
    ham: count(value.ham, `${field}.ham`),
    sources: sources as string[],
  };
  if (training.spam + training.ham !== training.rows) {
    throw new ArtifactError(
      `${field}: spam (${training.spam}) + ham (${training.ham}) must equal rows (${training.rows})`,
    );
  }
  return training;
}

function checkMetadata(value: unknown): ArtifactMetadata {
  if (!isRecord(value)) throw new ArtifactError(`metadata: expected an object, got ${kindOf(value)}`);
  text(value.version, 'metadata.version', /^\d{8}T\d{6}Z-[0-9a-f]{8}$/);
  if (typeof value.algorithm !== 'string' || !ALGORITHMS.includes(value.algorithm as Algorithm)) {
    throw new ArtifactError(
      `metadata.algorithm: expected one of ${ALGORITHMS.join(', ')}, got ${kindOf(value.algorithm)}`,
    );
  }
  const createdAt = text(value.createdAt, 'metadata.createdAt');
  if (Number.isNaN(Date.parse(createdAt))) {
    throw new ArtifactError(`metadata.createdAt: expected an ISO 8601 date, got ${kindOf(createdAt)}`);
  }
  count(value.nFeatures, 'metadata.nFeatures');
  if (!isRecord(value.vectorizerConfig)) throw new ArtifactError('metadata.vectorizerConfig: expected an object');
  if (!isRecord(value.modelParams)) throw new ArtifactError('metadata.modelParams: expected an object');
  if (!isRecord(value.metrics))
    throw new ArtifactError(`metadata.metrics: expected an object, got ${kindOf(value.metrics)}`);
  checkTraining(value.training, 'metadata.training');
  if (value.operatingPoint !== undefined) checkOperatingPoint(value.operatingPoint, 'metadata.operatingPoint');
  text(value.contentHash, 'metadata.contentHash', /^[0-9a-f]{64}$/);
  return value as unknown as ArtifactMetadata;
}
