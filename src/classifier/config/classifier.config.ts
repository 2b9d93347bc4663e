import { Type } from 'class-transformer';
import { IsInt, IsNumber, IsOptional, IsString, Max, Min } from 'class-validator';
import { resolve } from 'node:path';
import { defineModuleConfig } from '../../config/module-config';
import { projectRoot } from '../../config/project-root';

/** The classifier's environment: which model to load and the request limits around it. */
export class ClassifierEnvironment {
  /** An artifact file to load at start; unset = the newest in MODEL_DIR (trained there when the folder is empty). */
  @IsOptional()
  @IsString()
  MODEL_PATH?: string;

  @IsString()
  MODEL_DIR: string = resolve(projectRoot(), 'var', 'models');

  /** Only the first N characters of a text are classified, so one request never holds the event loop long. */
  @Type(() => Number)
  @IsInt()
  @Min(100)
  @Max(10_000_000)
  CLASSIFY_MAX_CHARS = 20_000;

  /** Longest accepted text (characters); longer → 400 naming the limit. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100_000_000)
  MAX_TEXT_CHARS = 262_144;

  /** Most messages in one batch request; more → 400. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100_000)
  MAX_BATCH_SIZE = 1000;

  /**
   * The share of predictions written to the log as one JSON line each: 1 = every one (default), 0 = none, 0.01 = about
   * one in a hundred, chosen at random. Sampled lines carry `log_sample_rate`; the /metrics counters count every one.
   */
  @Type(() => Number)
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(1)
  PREDICTION_LOG_SAMPLE_RATE = 1;
}

export type ClassifierConfig = {
  modelPath: string | undefined;
  modelDir: string;
  classifyMaxChars: number;
  maxTextChars: number;
  maxBatchSize: number;
  predictionLogSampleRate: number;
};

export const classifierConfig = defineModuleConfig({
  namespace: 'classifier',
  environment: ClassifierEnvironment,
  toConfig: (e): ClassifierConfig => ({
    modelPath: e.MODEL_PATH ? resolve(e.MODEL_PATH) : undefined,
    modelDir: resolve(e.MODEL_DIR),
    classifyMaxChars: e.CLASSIFY_MAX_CHARS,
    maxTextChars: e.MAX_TEXT_CHARS,
    maxBatchSize: e.MAX_BATCH_SIZE,
    predictionLogSampleRate: e.PREDICTION_LOG_SAMPLE_RATE,
  }),
});

/** This module's environment validated alone (CLIs, tests); the service validates every module at once. */
export function classifierConfigFrom(env: Record<string, unknown>): ClassifierConfig {
  return classifierConfig.from(env);
}
