export { ArtifactError } from './artifact-error';
export { canonicalJson } from './canonical-json';
export {
  MAX_ARTIFACT_BYTES,
  MODEL_FILE,
  readArtifactBytesIn,
  readArtifactFile,
  writeArtifactFile,
} from './artifact-file';
export {
  ARTIFACT_FORMAT,
  ARTIFACT_FORMAT_VERSION,
  type ArtifactMetadata,
  type ArtifactMetrics,
  createArtifact,
  type CreateArtifactInput,
  type ModelArtifact,
  parseArtifact,
  pipelineFromArtifact,
  serializeArtifact,
  type TrainingProvenance,
} from './model-artifact';
export { type ArtifactHeader, inspectArtifactAsync, type LoadedPipeline, loadPipelineAsync } from './artifact-loader';
