/**
 * Entry of the thread that loads an artifact for `loadPipelineAsync`: JSON parse, checksum, validation and the
 * vectorizer's term tables, all off the caller's event loop. Posts back the parts in transfer form, or the error.
 */
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { vectorizerToTransfer } from '../features/prebuilt-vectorizer';
import type { TfidfVectorizerState } from '../features/tfidf-vectorizer';
import type { ArtifactLoadReply, ArtifactLoadRequest } from './artifact-loader';
import { ArtifactError } from './artifact-error';
import { parseArtifact, pipelineFromArtifact } from './model-artifact';

function load(port: NonNullable<typeof parentPort>, request: ArtifactLoadRequest): void {
  try {
    const bytes = Buffer.from(request.bytes.buffer, request.bytes.byteOffset, request.bytes.byteLength);
    const artifact = parseArtifact(bytes, request.source);
    const { vectorizer: vectorizerState, model: modelState, ...header } = artifact;
    if (request.headerOnly) {
      port.postMessage({ ok: true, header } satisfies ArtifactLoadReply);
      return;
    }
    const { transfer, transferList } = vectorizerToTransfer(
      pipelineFromArtifact(artifact).vectorizer,
      vectorizerState as TfidfVectorizerState,
    );
    const reply: ArtifactLoadReply = { ok: true, header, modelState, vectorizer: transfer };
    port.postMessage(reply, transferList);
  } catch (error) {
    const reply: ArtifactLoadReply = {
      ok: false,
      message: error instanceof Error ? error.message : String(error),
      artifactError: error instanceof ArtifactError,
    };
    port.postMessage(reply);
  }
}

if (!isMainThread && parentPort && (workerData as Partial<ArtifactLoadRequest> | undefined)?.bytes) {
  load(parentPort, workerData as ArtifactLoadRequest);
}
