import type {
  FeedbackInput,
  FeedbackPage,
  FeedbackQuery,
  FeedbackRecord,
  FeedbackSnapshot,
  FeedbackUpsertResult,
  TrainingRunRecord,
  TrainingRunUpdate,
} from './feedback.types';

/**
 * Port of the feedback store (also holds the training-run history, so "new labels since the last run" is one query).
 * Adapters: `SqliteFeedbackStore` (one file, default) and `PostgresFeedbackStore` (`DATABASE_URL`): the same schema
 * and versioned migrations in each dialect, held to one contract suite (`test/feedback-store.e2e-spec.ts`).
 */
export abstract class FeedbackStore {
  /** Applies pending migrations; safe to call on every start. */
  abstract open(): Promise<void>;
  abstract close(): Promise<void>;

  /** Inserts, relabels (same content hash, other label) or leaves unchanged. */
  abstract upsert(input: FeedbackInput): Promise<FeedbackUpsertResult>;
  abstract get(id: string): Promise<FeedbackRecord | undefined>;
  /** Returns false when no row had that id. */
  abstract delete(id: string): Promise<boolean>;
  abstract list(query: FeedbackQuery): Promise<FeedbackPage>;
  /** Every current label given before `before` (default: now), read in one statement so a run trains on a consistent set. */
  abstract snapshot(before?: Date): Promise<FeedbackSnapshot>;
  /** Labels given (created or relabelled) after the feedback cutoff of the last succeeded run (all when none). */
  abstract countNewSinceLastRun(): Promise<number>;

  abstract createRun(run: Pick<TrainingRunRecord, 'id' | 'trigger' | 'forced' | 'mode'>): Promise<TrainingRunRecord>;
  abstract updateRun(id: string, update: TrainingRunUpdate): Promise<TrainingRunRecord | undefined>;
  abstract getRun(id: string): Promise<TrainingRunRecord | undefined>;
  /** Newest first, `limit` runs after the first `offset`. */
  abstract listRuns(limit: number, offset?: number): Promise<readonly TrainingRunRecord[]>;
  abstract countRuns(): Promise<number>;
}
