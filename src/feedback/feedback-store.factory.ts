import type { SecretsService } from '../config/secrets.service';
import type { FeedbackConfig } from './config/feedback.config';
import type { FeedbackStore } from './feedback.store';
import { SqliteFeedbackStore } from './sqlite-feedback.store';

/** Where the feedback lives: a PostgreSQL server, or the SQLite file every process of this service opens. */
export type FeedbackStoreKind = 'postgresql' | 'sqlite';

export interface FeedbackStoreSelection {
  readonly store: FeedbackStore;
  readonly kind: FeedbackStoreKind;
}

/**
 * The store for this process: PostgreSQL with `DATABASE_URL` (a secret, may come from Vault), else the SQLite file
 * at `FEEDBACK_DB_PATH`. Not opened yet.
 */
export function createFeedbackStore(
  config: Pick<FeedbackConfig, 'dbPath'>,
  secrets: SecretsService,
): FeedbackStoreSelection {
  if (secrets.get('DATABASE_URL')) {
    // The PostgreSQL driver is loaded only when DATABASE_URL is set.
    type PostgresModule = typeof import('./postgres-feedback.store');
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy on purpose
    const { PostgresFeedbackStore } = require('./postgres-feedback.store') as PostgresModule;
    return { store: new PostgresFeedbackStore(secrets), kind: 'postgresql' };
  }
  return { store: new SqliteFeedbackStore(config.dbPath), kind: 'sqlite' };
}

/** The log line naming the store in use (no credentials). */
export function describeFeedbackStore(kind: FeedbackStoreKind, config: Pick<FeedbackConfig, 'dbPath'>): string {
  return kind === 'postgresql' ? 'PostgreSQL (DATABASE_URL)' : `SQLite at ${config.dbPath}`;
}
