import { SecretsService } from '../config/secrets.service';
import type { TrainingConfig } from '../training/config/training.config';
import type { FeedbackStore } from './feedback.store';
import { PgliteFeedbackStore } from './pglite-feedback.store';
import { PostgresFeedbackStore } from './postgres-feedback.store';

/** Where the feedback lives: a PostgreSQL server, the embedded database process, or PGlite in this process. */
export type FeedbackStoreKind = 'postgresql' | 'embedded' | 'pglite';

export interface FeedbackStoreSelection {
  readonly store: FeedbackStore;
  readonly kind: FeedbackStoreKind;
}

/** Each serving process needs few connections to the embedded database: it runs one statement at a time anyway. */
const EMBEDDED_POOL_SIZE = 4;

/**
 * The store for this process: PostgreSQL with `DATABASE_URL` (a secret, may come from Vault); else a client of the
 * embedded database process when the service started one (`EMBEDDED_FEEDBACK_DB_URL`); else PGlite in this process
 * (tests and tools that own the folder alone). Not opened yet.
 */
export function createFeedbackStore(
  config: Pick<TrainingConfig, 'feedbackDbDir' | 'embeddedDbUrl'>,
  secrets: SecretsService,
): FeedbackStoreSelection {
  if (secrets.get('DATABASE_URL')) return { store: new PostgresFeedbackStore(secrets), kind: 'postgresql' };
  if (config.embeddedDbUrl) {
    const embedded = new SecretsService({ DATABASE_URL: config.embeddedDbUrl });
    return {
      store: new PostgresFeedbackStore(embedded, { max: EMBEDDED_POOL_SIZE, connectionTimeoutMillis: 5000 }),
      kind: 'embedded',
    };
  }
  return { store: new PgliteFeedbackStore(config.feedbackDbDir), kind: 'pglite' };
}

/** The log line naming the store in use (no credentials). */
export function describeFeedbackStore(kind: FeedbackStoreKind, config: Pick<TrainingConfig, 'feedbackDbDir'>): string {
  switch (kind) {
    case 'postgresql':
      return 'PostgreSQL (DATABASE_URL)';
    case 'embedded':
      return `embedded database process serving ${config.feedbackDbDir}`;
    case 'pglite':
      return `PGlite in this process at ${config.feedbackDbDir}`;
  }
}
