import { join } from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { Worker } from 'node:worker_threads';
import { vectorizerFromTransfer, type VectorizerTransfer } from '../features/prebuilt-vectorizer';
import { modelFromState } from '../models';
import { SpamPipeline, type SpamPipelineOptions } from '../pipeline';
import type { ModelState } from '../types';
import { ArtifactError } from './artifact-error';
import { parseArtifact, pipelineFromArtifact, withOperatingPoint, type ModelArtifact } from './model-artifact';
import { RUNNING_FROM_SOURCES, typescriptBootstrap } from '../runtime/typescript-entry';

/** The artifact without its vectorizer and model state (those live on inside the pipeline). */
export type ArtifactHeader = Omit<ModelArtifact, 'vectorizer' | 'model'>;

export interface LoadedPipeline {
  readonly artifact: ArtifactHeader;
  readonly pipeline: SpamPipeline;
}

export interface ArtifactLoadRequest {
  readonly bytes: Uint8Array;
  readonly source: string;
  /** Verify everything but send back only the header (listing artifacts). */
  readonly headerOnly?: boolean;
}

export type ArtifactLoadReply =
  | {
      readonly ok: true;
      readonly header: ArtifactHeader;
      readonly modelState?: ModelState;
      readonly vectorizer?: VectorizerTransfer;
    }
  | { readonly ok: false; readonly message: string; readonly artifactError: boolean };

/**
 * Artifacts up to this size (the default model's 30,000 features take 1.4 MB) are verified in the calling thread:
 * about 60 ms, where starting a loading thread alone takes about 300 ms and leaves some 15 MB of its heap and
 * malloc arenas in the process' resident memory. Larger ones (a 200,000-feature model: 9 MB, 0.4–0.7 s to parse)
 * are parsed in a worker thread so the event loop keeps serving.
 */
export const IN_THREAD_MAX_BYTES = 2 * 1024 * 1024;

/** From TypeScript sources (Jest) the worker compiles `.ts` with @swc/core, as the training worker does. */
const TS_BOOTSTRAP = typescriptBootstrap('workerData.entry');

function byteLength(bytes: string | Uint8Array): number {
  return typeof bytes === 'string' ? Buffer.byteLength(bytes, 'utf8') : bytes.byteLength;
}

function asStringOrBuffer(bytes: string | Uint8Array): string | Buffer {
  return typeof bytes === 'string' || Buffer.isBuffer(bytes)
    ? bytes
    : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function copyOf(bytes: string | Uint8Array): Uint8Array {
  return typeof bytes === 'string' ? new Uint8Array(Buffer.from(bytes, 'utf8')) : new Uint8Array(bytes);
}

function startWorker(request: ArtifactLoadRequest): Worker {
  const typescript = RUNNING_FROM_SOURCES;
  const entry = join(__dirname, `artifact-load-worker${typescript ? '.ts' : '.js'}`);
  const workerData = { ...request, entry };
  return typescript
    ? new Worker(TS_BOOTSTRAP, { eval: true, workerData, stdout: false, stderr: false })
    : new Worker(entry, { workerData, stdout: false, stderr: false });
}

function askWorker(request: ArtifactLoadRequest): Promise<ArtifactLoadReply> {
  const worker = startWorker(request);
  return new Promise<ArtifactLoadReply>((resolve, reject) => {
    let settled = false;
    const settle = (action: () => void): void => {
      if (settled) return;
      settled = true;
      action();
      void worker.terminate();
    };
    worker.once('message', (reply: ArtifactLoadReply) => settle(() => resolve(reply)));
    worker.once('error', (error) =>
      settle(() => reject(new Error(`${request.source}: the artifact loading thread failed: ${error.message}`))),
    );
    worker.once('exit', (code) =>
      settle(() => reject(new Error(`${request.source}: the artifact loading thread exited with code ${code}`))),
    );
  });
}

export interface LoadPipelineOptions extends SpamPipelineOptions {
  /** Artifacts up to this many bytes are verified in the calling thread (default IN_THREAD_MAX_BYTES). */
  readonly inThreadMaxBytes?: number;
}

/**
 * `parseArtifact` + `pipelineFromArtifact` without holding the event loop for long: a small artifact is verified
 * here in one go (IN_THREAD_MAX_BYTES); for a larger one the JSON parse, the checksum, the validation and the term
 * tables run in a worker thread, and back here the vocabulary is rebuilt in slices between which other work runs,
 * and the model is rebuilt from its (already validated) state. Same checks and same `ArtifactError` messages as the
 * synchronous path, and a pipeline that classifies identically.
 */
export async function loadPipelineAsync(
  bytes: string | Uint8Array,
  source = 'artifact',
  { inThreadMaxBytes = IN_THREAD_MAX_BYTES, ...options }: LoadPipelineOptions = {},
): Promise<LoadedPipeline> {
  if (byteLength(bytes) <= inThreadMaxBytes) {
    await nextTurn();
    const artifact = parseArtifact(asStringOrBuffer(bytes), source);
    const { vectorizer: _vectorizer, model: _model, ...header } = artifact;
    return { artifact: header, pipeline: pipelineFromArtifact(artifact, options) };
  }
  // A copy goes to the worker: the caller keeps its bytes (to cache or upload them).
  const copy = copyOf(bytes);
  const reply = await askWorker({ bytes: copy, source });
  if (!reply.ok) throw reply.artifactError ? new ArtifactError(reply.message) : new Error(reply.message);
  if (!reply.vectorizer || !reply.modelState) throw new Error(`${source}: the artifact loading thread sent no model`);
  const vectorizer = await vectorizerFromTransfer(reply.vectorizer, () => nextTurn());
  let model;
  try {
    model = modelFromState(reply.modelState);
  } catch (error) {
    throw new ArtifactError(`${source}: model: ${(error as Error).message}`);
  }
  await nextTurn();
  return {
    artifact: reply.header,
    pipeline: new SpamPipeline(vectorizer, model, withOperatingPoint(reply.header.metadata, options)),
  };
}

/**
 * The header of an artifact verified exactly as `parseArtifact` does (checksum, schema, the vectorizer and model
 * rebuilt), in a worker thread unless it is small (as loadPipelineAsync): for listing artifacts without building
 * their pipelines here.
 */
export async function inspectArtifactAsync(
  bytes: string | Uint8Array,
  source = 'artifact',
  inThreadMaxBytes = IN_THREAD_MAX_BYTES,
): Promise<ArtifactHeader> {
  if (byteLength(bytes) <= inThreadMaxBytes) {
    await nextTurn();
    const { vectorizer: _vectorizer, model: _model, ...header } = parseArtifact(asStringOrBuffer(bytes), source);
    return header;
  }
  const reply = await askWorker({ bytes: copyOf(bytes), source, headerOnly: true });
  if (!reply.ok) throw reply.artifactError ? new ArtifactError(reply.message) : new Error(reply.message);
  return reply.header;
}
