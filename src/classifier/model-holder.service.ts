import { Inject, Injectable, Optional } from '@nestjs/common';
import type { SpamClassifier } from '../engine';
import { ArtifactCodec, loadWith, type ServedArtifact } from './model-artifact.port';

export interface ActiveModel {
  readonly classifier: SpamClassifier;
  /** The artifact's metadata and checksum; its vectorizer and model state live on only inside `classifier`. */
  readonly artifact: ServedArtifact;
  /** Where it came from: a file path, `trained:<path>`, `mlflow:models:/spam-classifier@champion (v3)`. */
  readonly source: string;
  readonly loadedAt: Date;
  /** Milliseconds spent building the classifier from the artifact. */
  readonly loadMs: number;
}

/** A model verified and built, ready to be swapped in. */
export interface PreparedModel {
  readonly classifier: SpamClassifier;
  readonly artifact: ServedArtifact;
  /** Milliseconds from the bytes to the classifier (wall time; the event loop ran other work meanwhile). */
  readonly loadMs: number;
}

export type SwapListener = (current: ActiveModel, previous: ActiveModel | undefined) => void;

export const CLASSIFY_MAX_CHARS = Symbol('CLASSIFY_MAX_CHARS');

/**
 * Holds the model that serves requests. A new model is built completely before it replaces the old one in a
 * single reference assignment, so requests in flight never see a half-loaded model; a model that fails to build
 * is refused and the previous one keeps serving.
 */
@Injectable()
export class ModelHolder {
  private current: ActiveModel | undefined;
  private readonly listeners = new Set<SwapListener>();

  constructor(
    private readonly codec: ArtifactCodec,
    @Optional() @Inject(CLASSIFY_MAX_CHARS) private readonly maxChars: number = 20_000,
  ) {}

  active(): ActiveModel | undefined {
    return this.current;
  }

  /** Builds the classifier for `artifact` and makes it the active model; throws (keeping the old one) on failure. */
  swap(artifact: ServedArtifact, source: string): ActiveModel {
    const started = performance.now();
    const classifier = this.codec.toClassifier(artifact, { maxChars: this.maxChars });
    return this.install({ classifier, artifact, loadMs: performance.now() - started }, source);
  }

  /**
   * Verifies and builds the model from its bytes without holding the event loop for long (`ArtifactCodec.load`),
   * then swaps it in as `swap` does; throws (keeping the old one) on failure.
   */
  async load(bytes: string | Buffer, source: string): Promise<ActiveModel> {
    return this.install(await this.prepare(bytes, source), source);
  }

  /** The first half of `load`: the verified artifact and its classifier, not serving yet (see `install`). */
  async prepare(bytes: string | Buffer, source: string): Promise<PreparedModel> {
    const started = performance.now();
    const { artifact, classifier } = await loadWith(this.codec, bytes, source, { maxChars: this.maxChars });
    return { artifact, classifier, loadMs: performance.now() - started };
  }

  /** Makes a model built by `prepare` the active one (one reference assignment). */
  install(prepared: PreparedModel, source: string): ActiveModel {
    const { classifier, artifact, loadMs } = prepared;
    const next: ActiveModel = {
      classifier,
      artifact: withoutModelState(artifact),
      source,
      loadedAt: new Date(),
      loadMs,
    };
    const previous = this.current;
    this.current = next;
    for (const listener of this.listeners) {
      try {
        listener(next, previous);
      } catch {
        // A listener's failure must not undo or fail a swap that already happened.
      }
    }
    return next;
  }

  /** Returns a function that unsubscribes. */
  onSwap(listener: SwapListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

/**
 * The artifact without its `vectorizer` and `model` state: once the classifier is built, holding the parsed state
 * too would keep a second copy of the vocabulary and weights (about half the heap with the default model).
 */
export function withoutModelState(artifact: ServedArtifact): ServedArtifact {
  const { vectorizer: _vectorizer, model: _model, ...rest } = artifact;
  return rest as ServedArtifact;
}
