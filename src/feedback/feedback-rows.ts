import type { FeedbackLabel, FeedbackRecord, TrainingRunRecord, TrainingRunUpdate } from './feedback.types';

/** A time as a SQL driver returns it: a Date or ISO text (PostgreSQL), epoch milliseconds (SQLite). */
type SqlTime = Date | string | number;

/** A `feedback` row as both SQL adapters read it. */
export interface FeedbackRow {
  id: string;
  content_hash: string;
  text: string;
  label: FeedbackLabel;
  request_id: string | null;
  channel: string | null;
  source: string | null;
  created_at: SqlTime;
  labelled_at: SqlTime;
  relabel_count: number | bigint;
}

/** A `training_runs` row as both SQL adapters read it. */
export interface RunRow {
  id: string;
  state: TrainingRunRecord['state'];
  trigger: TrainingRunRecord['trigger'];
  forced: boolean | number;
  mode: TrainingRunRecord['mode'];
  requested_at: SqlTime;
  started_at: SqlTime | null;
  finished_at: SqlTime | null;
  feedback_cutoff: SqlTime | null;
  feedback_rows: number | null;
  progress: number;
  stage: string | null;
  result: Record<string, unknown> | string | null;
  reason: string | null;
}

export const FEEDBACK_COLUMNS =
  'id, content_hash, text, label, request_id, channel, source, created_at, labelled_at, relabel_count';

export const RUN_COLUMNS: Record<keyof TrainingRunUpdate, string> = {
  state: 'state',
  startedAt: 'started_at',
  finishedAt: 'finished_at',
  feedbackCutoff: 'feedback_cutoff',
  feedbackRows: 'feedback_rows',
  progress: 'progress',
  stage: 'stage',
  result: 'result',
  reason: 'reason',
};

export function toDate(value: SqlTime): Date {
  return value instanceof Date ? value : new Date(value);
}

function toOptionalDate(value: SqlTime | null): Date | null {
  return value === null ? null : toDate(value);
}

export function toFeedback(row: FeedbackRow): FeedbackRecord {
  return {
    id: row.id,
    contentHash: row.content_hash.trim(),
    text: row.text,
    label: row.label,
    requestId: row.request_id,
    channel: row.channel,
    source: row.source,
    createdAt: toDate(row.created_at),
    labelledAt: toDate(row.labelled_at),
    relabelCount: Number(row.relabel_count),
  };
}

export function toRun(row: RunRow): TrainingRunRecord {
  return {
    id: row.id,
    state: row.state,
    trigger: row.trigger,
    forced: Boolean(row.forced),
    mode: row.mode,
    requestedAt: toDate(row.requested_at),
    startedAt: toOptionalDate(row.started_at),
    finishedAt: toOptionalDate(row.finished_at),
    feedbackCutoff: toOptionalDate(row.feedback_cutoff),
    feedbackRows: row.feedback_rows === null ? null : Number(row.feedback_rows),
    progress: Number(row.progress),
    stage: row.stage,
    result: typeof row.result === 'string' ? (JSON.parse(row.result) as Record<string, unknown>) : row.result,
    reason: row.reason,
  };
}
