import { registerAs } from '@nestjs/config';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, Min } from 'class-validator';
import { resolve } from 'node:path';
import { readEnvironment } from '../../config/read-environment';

/** The project root: two levels above the compiled or source file (`src/classifier/config` or `dist/src/...`). */
export function projectRoot(): string {
  const at = __dirname.lastIndexOf('/dist/');
  return at >= 0 ? __dirname.slice(0, at) : resolve(__dirname, '..', '..', '..');
}

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
}

export type ClassifierConfig = {
  modelPath: string | undefined;
  modelDir: string;
  classifyMaxChars: number;
  maxTextChars: number;
  maxBatchSize: number;
};

export function classifierConfigFrom(env: Record<string, unknown> = process.env): ClassifierConfig {
  const e = readEnvironment(ClassifierEnvironment, env);
  return {
    modelPath: e.MODEL_PATH ? resolve(e.MODEL_PATH) : undefined,
    modelDir: resolve(e.MODEL_DIR),
    classifyMaxChars: e.CLASSIFY_MAX_CHARS,
    maxTextChars: e.MAX_TEXT_CHARS,
    maxBatchSize: e.MAX_BATCH_SIZE,
  };
}

export const classifierConfig = registerAs('classifier', (): ClassifierConfig => classifierConfigFrom(process.env));
