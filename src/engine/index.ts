/**
 * The classification engine: text → TF-IDF features → model → calibrated spam probability, plus the model artifact.
 * Plain TypeScript with no framework import, shared by the service, the training CLI and the benchmarks.
 */
export * from './types';
export * from './text';
export * from './features';
export * from './models';
export * from './artifact';
export {
  DEFAULT_MAX_CHARS,
  DEFAULT_TOP_FEATURES,
  SpamPipeline,
  type SpamPipelineOptions,
  SPAM_THRESHOLD,
} from './pipeline';
