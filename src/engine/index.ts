/**
 * The classification engine: text → TF-IDF features → model → calibrated spam probability, plus the model artifact
 * and what a submitted message is (its channel, and for a raw email the text the model reads).
 * Plain TypeScript with no framework import, shared by the service, the training CLI and the benchmarks.
 */
export * from './types';
export * from './text';
export * from './features';
export * from './models';
export * from './artifact';
export * from './message';
export * from './explain';
export { isRecord } from './is-record';
export {
  DEFAULT_MAX_CHARS,
  DEFAULT_TOP_FEATURES,
  SpamPipeline,
  type SpamPipelineOptions,
  SPAM_THRESHOLD,
  checkThreshold,
} from './pipeline';
