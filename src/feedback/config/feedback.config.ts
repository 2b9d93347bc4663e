import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Max, Min } from 'class-validator';
import { join, resolve } from 'node:path';
import { defineModuleConfig } from '../../config/module-config';
import { projectRoot } from '../../config/project-root';

export const FEEDBACK_API_AUTH_MODES = ['none', 'admin-token'] as const;
export type FeedbackApiAuth = (typeof FEEDBACK_API_AUTH_MODES)[number];

/** The SQLite file's name inside FEEDBACK_DB_DIR. */
export const FEEDBACK_DB_FILE = 'feedback.sqlite';

/**
 * Feedback settings. DATABASE_URL (and Vault's DATABASE_USERNAME/PASSWORD) are secrets read through SecretsService,
 * not here: with it the feedback store is PostgreSQL, without it the SQLite file below.
 */
export class FeedbackEnvironment {
  /** The SQLite file of the embedded store (used without DATABASE_URL); every worker process opens this same file. */
  @IsOptional()
  @IsString()
  FEEDBACK_DB_PATH?: string;

  /** The folder holding `feedback.sqlite` when FEEDBACK_DB_PATH is not set; default `var/` of the project. */
  @IsOptional()
  @IsString()
  FEEDBACK_DB_DIR?: string;

  /** Longest feedback text in characters; longer → 400 naming the limit. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(10_000_000)
  FEEDBACK_MAX_TEXT_CHARS = 262_144;

  /**
   * Who may label through `POST /api/v1/feedback`: `none` (anyone, the default) or `admin-token` (only with
   * `Authorization: Bearer $ADMIN_API_TOKEN`). Anonymous labels stay allowed by default because the page's
   * "spam / not spam" buttons are anonymous by design; a forged cross-site post is refused either way (the API takes
   * JSON only, the page checks the origin), and a label reaches the champion only through a retrain that passes the
   * promotion gate. Set `admin-token` when the API is reachable by clients you do not trust to label.
   */
  @IsIn(FEEDBACK_API_AUTH_MODES)
  FEEDBACK_API_AUTH: FeedbackApiAuth = 'none';
}

export interface FeedbackConfig {
  /** The embedded store's SQLite file (absolute). */
  dbPath: string;
  maxTextChars: number;
  /** Who may post to the feedback API (FEEDBACK_API_AUTH). */
  apiAuth: FeedbackApiAuth;
}

export const feedbackConfig = defineModuleConfig({
  namespace: 'feedback',
  environment: FeedbackEnvironment,
  toConfig: (e): FeedbackConfig => ({
    dbPath: resolve(e.FEEDBACK_DB_PATH ?? join(e.FEEDBACK_DB_DIR ?? join(projectRoot(), 'var'), FEEDBACK_DB_FILE)),
    maxTextChars: e.FEEDBACK_MAX_TEXT_CHARS,
    apiAuth: e.FEEDBACK_API_AUTH,
  }),
});

/** This module's environment validated alone (tests, tools); the service validates every module at once. */
export function feedbackConfigFrom(env: Record<string, unknown>): FeedbackConfig {
  return feedbackConfig.from(env);
}
