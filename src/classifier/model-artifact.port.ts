import type { Algorithm, SpamClassifier } from '../engine';

/**
 * What the service reads from a model artifact: the fields of the engine's `ModelArtifact` it shows and logs.
 * The engine's artifact type is structurally compatible, so the service does not depend on its internals.
 */
export interface ServedArtifact {
  readonly metadata: {
    readonly version: string;
    readonly algorithm: Algorithm;
    readonly createdAt: string;
    readonly metrics?: unknown;
    readonly training?: unknown;
    readonly params?: unknown;
    readonly [key: string]: unknown;
  };
  readonly checksum: string;
  readonly [key: string]: unknown;
}

/** Options the service gives when it turns an artifact into a classifier. */
export interface ClassifierBuildOptions {
  /** Classify only the first N characters (CLASSIFY_MAX_CHARS). */
  readonly maxChars: number;
}

/**
 * Port between the service and the engine's artifact code: parse and verify bytes, build a classifier.
 * Implemented by `EngineArtifactCodec` over `parseArtifact` / `pipelineFromArtifact`.
 */
export abstract class ArtifactCodec {
  /** Parses and verifies (schema, checksum, format version); throws an Error naming the problem. */
  abstract parse(bytes: string | Buffer, source: string): ServedArtifact;
  abstract toClassifier(artifact: ServedArtifact, options: ClassifierBuildOptions): SpamClassifier;

  /**
   * `parse` then `toClassifier` without holding the event loop for long (the engine does the heavy parts in a
   * worker thread). The artifact comes back without its model state. This default is the synchronous pair.
   */
  async load(bytes: string | Buffer, source: string, options: ClassifierBuildOptions): Promise<LoadedClassifier> {
    const artifact = this.parse(bytes, source);
    return { artifact, classifier: this.toClassifier(artifact, options) };
  }

  /** `parse` without holding the event loop, for listings: the verified artifact's metadata and checksum. */
  async inspect(bytes: string | Buffer, source: string): Promise<ServedArtifact> {
    return this.parse(bytes, source);
  }
}

/**
 * `codec.load`, or parse + toClassifier for a codec that only implements the two abstract methods (a class that
 * `implements` the port rather than extending it has no `load`).
 */
export function loadWith(
  codec: ArtifactCodec,
  bytes: string | Buffer,
  source: string,
  options: ClassifierBuildOptions,
): Promise<LoadedClassifier> {
  return typeof codec.load === 'function'
    ? codec.load(bytes, source, options)
    : ArtifactCodec.prototype.load.call(codec, bytes, source, options);
}

/** `codec.inspect`, or `codec.parse` for a codec without it (see `loadWith`). */
export function inspectWith(codec: ArtifactCodec, bytes: string | Buffer, source: string): Promise<ServedArtifact> {
  return typeof codec.inspect === 'function'
    ? codec.inspect(bytes, source)
    : ArtifactCodec.prototype.inspect.call(codec, bytes, source);
}

/** An artifact verified and built: what `ArtifactCodec.load` resolves to. */
export interface LoadedClassifier {
  readonly artifact: ServedArtifact;
  readonly classifier: SpamClassifier;
}

/**
 * The default model's training while it runs: since when, and when the trainer reports it, the steps done of all
 * and the stage under way (`fit`, `evaluate`, `write`...).
 */
export interface DefaultModelTraining {
  readonly startedAt: Date;
  readonly step?: { readonly done: number; readonly total: number; readonly stage: string };
}

/** Port to the training code that produces the default model when the model folder is empty. */
export abstract class DefaultModelTrainer {
  /** Trains the default model from the corpora present and writes its artifact into `outDir`; resolves to its path. */
  abstract train(outDir: string): Promise<{ artifactPath: string }>;
  /** While `train` runs, how far it has got (for the page); undefined otherwise. */
  training?(): DefaultModelTraining | undefined;
}
