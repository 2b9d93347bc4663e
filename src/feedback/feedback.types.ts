/** What a user says a message is. The API speaks these words; the engine's 1/0 mapping is `feedbackLabelToClass`. */
export type FeedbackLabel = 'spam' | 'not_spam';
export const FEEDBACK_LABELS: readonly FeedbackLabel[] = ['spam', 'not_spam'];

export function feedbackLabelToClass(label: FeedbackLabel): 0 | 1 {
  return label === 'spam' ? 1 : 0;
}

export interface FeedbackInput {
  readonly text: string;
  readonly label: FeedbackLabel;
  readonly requestId?: string;
  readonly channel?: string;
  readonly source?: string;
}

export interface FeedbackRecord {
  readonly id: string;
  readonly contentHash: string;
  readonly text: string;
  readonly label: FeedbackLabel;
  readonly requestId: string | null;
  readonly channel: string | null;
  readonly source: string | null;
  readonly createdAt: Date;
  /** When the current label was given (creation or the latest relabel). */
  readonly labelledAt: Date;
  readonly relabelCount: number;
}

/** created: new text; relabelled: known text, other label (relearn); unchanged: known text, same label. */
export type FeedbackOutcome = 'created' | 'relabelled' | 'unchanged';

export interface FeedbackUpsertResult {
  readonly outcome: FeedbackOutcome;
  readonly record: FeedbackRecord;
}

export interface FeedbackQuery {
  readonly label?: FeedbackLabel;
  /** Inclusive lower bound on `labelledAt`. */
  readonly from?: Date;
  /** Exclusive upper bound on `labelledAt`. */
  readonly to?: Date;
  readonly limit: number;
  readonly offset: number;
}

export interface FeedbackPage {
  readonly items: readonly FeedbackRecord[];
  readonly total: number;
  readonly limit: number;
  readonly offset: number;
}

/** What a training run took from the store: every current label, and the instant it was read. */
export interface FeedbackSnapshot {
  readonly rows: readonly Pick<FeedbackRecord, 'id' | 'text' | 'label' | 'contentHash'>[];
  readonly takenAt: Date;
}

export type TrainingRunState = 'queued' | 'running' | 'succeeded' | 'failed';

/** A training run as persisted, so the history and "new labels since the last run" survive restarts and leader changes. */
export interface TrainingRunRecord {
  readonly id: string;
  readonly state: TrainingRunState;
  readonly trigger: 'api' | 'cron';
  readonly forced: boolean;
  readonly mode: 'worker' | 'job';
  readonly requestedAt: Date;
  readonly startedAt: Date | null;
  readonly finishedAt: Date | null;
  /** Labels changed after this instant are "new" for the next run (set from the feedback snapshot). */
  readonly feedbackCutoff: Date | null;
  readonly feedbackRows: number | null;
  readonly progress: number;
  readonly stage: string | null;
  readonly result: Record<string, unknown> | null;
  readonly reason: string | null;
}

export type TrainingRunUpdate = Partial<
  Pick<
    TrainingRunRecord,
    | 'state'
    | 'startedAt'
    | 'finishedAt'
    | 'feedbackCutoff'
    | 'feedbackRows'
    | 'progress'
    | 'stage'
    | 'result'
    | 'reason'
  >
>;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/iu;

/** Feedback ids are UUIDs: anything else names no row (and never reaches a query). */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}
