import { FEEDBACK_MIGRATIONS, type SqlMigration } from './feedback-migrations';
import { FeedbackStore } from './feedback.store';
import { feedbackContentHash, normaliseFeedbackText } from './feedback-text';
import type {
  FeedbackInput,
  FeedbackLabel,
  FeedbackPage,
  FeedbackQuery,
  FeedbackRecord,
  FeedbackSnapshot,
  FeedbackUpsertResult,
  TrainingRunRecord,
  TrainingRunUpdate,
} from './feedback.types';

/** The little a SQL adapter must offer: parameterised queries, multi-statement scripts, transactions. */
export interface SqlSession {
  query<T>(sql: string, params?: readonly unknown[]): Promise<T[]>;
  /** Runs a script of several statements without parameters. */
  exec(sql: string): Promise<void>;
}

export interface SqlDatabase extends SqlSession {
  transaction<T>(work: (session: SqlSession) => Promise<T>): Promise<T>;
}

/** Any 64-bit constant unique to this schema: serialises migrations of replicas starting together. */
const MIGRATION_LOCK_KEY = 5_112_026_001;

/** Applies the migrations that `schema_migrations` does not list yet, each in its own transaction. */
export async function migrate(
  db: SqlDatabase,
  migrations: readonly SqlMigration[] = FEEDBACK_MIGRATIONS,
): Promise<number[]> {
  await db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version    integer PRIMARY KEY,
    name       text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT clock_timestamp()
  )`);
  const applied: number[] = [];
  for (const migration of [...migrations].sort((a, b) => a.version - b.version)) {
    await db.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY]);
      const done = await tx.query('SELECT 1 FROM schema_migrations WHERE version = $1', [migration.version]);
      if (done.length > 0) return;
      await tx.exec(migration.sql);
      await tx.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [
        migration.version,
        migration.name,
      ]);
      applied.push(migration.version);
    });
  }
  return applied;
}

interface FeedbackRow {
  id: string;
  content_hash: string;
  text: string;
  label: FeedbackLabel;
  request_id: string | null;
  channel: string | null;
  source: string | null;
  created_at: Date | string;
  labelled_at: Date | string;
  relabel_count: number;
}

interface RunRow {
  id: string;
  state: TrainingRunRecord['state'];
  trigger: TrainingRunRecord['trigger'];
  forced: boolean;
  mode: TrainingRunRecord['mode'];
  requested_at: Date | string;
  started_at: Date | string | null;
  finished_at: Date | string | null;
  feedback_cutoff: Date | string | null;
  feedback_rows: number | null;
  progress: number;
  stage: string | null;
  result: Record<string, unknown> | string | null;
  reason: string | null;
}

const FEEDBACK_COLUMNS =
  'id, content_hash, text, label, request_id, channel, source, created_at, labelled_at, relabel_count';

const RUN_COLUMNS: Record<keyof TrainingRunUpdate, string> = {
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

/** The SQL both adapters share; they only differ in how they reach PostgreSQL. */
export abstract class SqlFeedbackStore extends FeedbackStore {
  protected abstract database(): SqlDatabase;

  async upsert(input: FeedbackInput): Promise<FeedbackUpsertResult> {
    const text = normaliseFeedbackText(input.text);
    const hash = feedbackContentHash(text);
    const db = this.database();
    // xmax = 0 only for a freshly inserted row version; the WHERE makes a same-label repeat a no-op (no row back).
    const rows = await db.query<FeedbackRow & { inserted: boolean }>(
      `INSERT INTO feedback (content_hash, text, label, request_id, channel, source)
       VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (content_hash) DO UPDATE
         SET label = EXCLUDED.label, labelled_at = date_trunc('milliseconds', clock_timestamp()),
             relabel_count = feedback.relabel_count + 1, label_seq = nextval(pg_get_serial_sequence('feedback', 'label_seq')),
             request_id = COALESCE(EXCLUDED.request_id, feedback.request_id),
             channel = COALESCE(EXCLUDED.channel, feedback.channel),
             source = COALESCE(EXCLUDED.source, feedback.source)
         WHERE feedback.label <> EXCLUDED.label
       RETURNING ${FEEDBACK_COLUMNS}, (xmax = 0) AS inserted`,
      [hash, text, input.label, input.requestId ?? null, input.channel ?? null, input.source ?? null],
    );
    if (rows.length > 0) {
      return { outcome: rows[0].inserted ? 'created' : 'relabelled', record: toFeedback(rows[0]) };
    }
    const existing = await db.query<FeedbackRow>(`SELECT ${FEEDBACK_COLUMNS} FROM feedback WHERE content_hash = $1`, [
      hash,
    ]);
    if (existing.length === 0) return this.upsert(input); // deleted between the two statements: try again
    return { outcome: 'unchanged', record: toFeedback(existing[0]) };
  }

  async get(id: string): Promise<FeedbackRecord | undefined> {
    if (!isUuid(id)) return undefined;
    const rows = await this.database().query<FeedbackRow>(`SELECT ${FEEDBACK_COLUMNS} FROM feedback WHERE id = $1`, [
      id,
    ]);
    return rows.length > 0 ? toFeedback(rows[0]) : undefined;
  }

  async delete(id: string): Promise<boolean> {
    if (!isUuid(id)) return false;
    const rows = await this.database().query<{ id: string }>('DELETE FROM feedback WHERE id = $1 RETURNING id', [id]);
    return rows.length > 0;
  }

  async list(query: FeedbackQuery): Promise<FeedbackPage> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (query.label) where.push(`label = $${params.push(query.label)}`);
    if (query.from) where.push(`labelled_at >= $${params.push(query.from.toISOString())}`);
    if (query.to) where.push(`labelled_at < $${params.push(query.to.toISOString())}`);
    const filter = where.length > 0 ? `WHERE ${where.join(' AND ')}` : '';
    const db = this.database();
    const [count] = await db.query<{ total: number }>(`SELECT count(*)::int AS total FROM feedback ${filter}`, params);
    const rows = await db.query<FeedbackRow>(
      `SELECT ${FEEDBACK_COLUMNS} FROM feedback ${filter}
       ORDER BY labelled_at DESC, label_seq DESC LIMIT $${params.length + 1} OFFSET $${params.length + 2}`,
      [...params, query.limit, query.offset],
    );
    return { items: rows.map(toFeedback), total: Number(count.total), limit: query.limit, offset: query.offset };
  }

  /**
   * Truncated to milliseconds (a JS Date's precision): rows labelled before `takenAt` are in the snapshot, rows at or
   * after it count as new once `takenAt` is a succeeded run's cutoff, so no label falls between two runs.
   * With `before`, the cutoff is that instant (a training Job reads what the leader's snapshot saw).
   */
  async snapshot(before?: Date): Promise<FeedbackSnapshot> {
    const rows = await this.database().query<
      Pick<FeedbackRow, 'id' | 'text' | 'label' | 'content_hash'> & { taken_at: Date | string }
    >(
      `SELECT f.id, f.text, f.label, f.content_hash, t.taken_at
       FROM (SELECT LEAST(date_trunc('milliseconds', clock_timestamp()), $1::timestamptz) AS taken_at) t
       LEFT JOIN feedback f ON f.labelled_at < t.taken_at
       ORDER BY f.content_hash`,
      [before?.toISOString() ?? null],
    );
    const takenAt = toDate(rows[0].taken_at);
    return {
      takenAt,
      rows: rows
        .filter((r) => r.id !== null)
        .map((r) => ({ id: r.id, text: r.text, label: r.label, contentHash: r.content_hash })),
    };
  }

  async countNewSinceLastRun(): Promise<number> {
    const [row] = await this.database().query<{ n: number }>(
      `SELECT count(*)::int AS n FROM feedback
       WHERE labelled_at >= COALESCE(
         (SELECT max(feedback_cutoff) FROM training_runs WHERE state = 'succeeded'), '-infinity'::timestamptz)`,
    );
    return Number(row.n);
  }

  async createRun(run: Pick<TrainingRunRecord, 'id' | 'trigger' | 'forced' | 'mode'>): Promise<TrainingRunRecord> {
    const rows = await this.database().query<RunRow>(
      `INSERT INTO training_runs (id, state, trigger, forced, mode) VALUES ($1, 'queued', $2, $3, $4) RETURNING *`,
      [run.id, run.trigger, run.forced, run.mode],
    );
    return toRun(rows[0]);
  }

  async updateRun(id: string, update: TrainingRunUpdate): Promise<TrainingRunRecord | undefined> {
    const sets: string[] = [];
    const params: unknown[] = [id];
    for (const [key, value] of Object.entries(update) as [keyof TrainingRunUpdate, unknown][]) {
      if (value === undefined) continue;
      const column = RUN_COLUMNS[key];
      const param =
        value instanceof Date
          ? value.toISOString()
          : key === 'result' && value !== null
            ? JSON.stringify(value)
            : value;
      sets.push(`${column} = $${params.push(param)}`);
    }
    if (sets.length === 0) return this.getRun(id);
    const rows = await this.database().query<RunRow>(
      `UPDATE training_runs SET ${sets.join(', ')} WHERE id = $1 RETURNING *`,
      params,
    );
    return rows.length > 0 ? toRun(rows[0]) : undefined;
  }

  async getRun(id: string): Promise<TrainingRunRecord | undefined> {
    const rows = await this.database().query<RunRow>('SELECT * FROM training_runs WHERE id = $1', [id]);
    return rows.length > 0 ? toRun(rows[0]) : undefined;
  }

  async listRuns(limit: number): Promise<readonly TrainingRunRecord[]> {
    const rows = await this.database().query<RunRow>(
      'SELECT * FROM training_runs ORDER BY requested_at DESC LIMIT $1',
      [limit],
    );
    return rows.map(toRun);
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/iu;

export function isUuid(value: string): boolean {
  return UUID.test(value);
}

function toDate(value: Date | string): Date {
  return value instanceof Date ? value : new Date(value);
}

function toOptionalDate(value: Date | string | null): Date | null {
  return value === null ? null : toDate(value);
}

function toFeedback(row: FeedbackRow): FeedbackRecord {
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

function toRun(row: RunRow): TrainingRunRecord {
  return {
    id: row.id,
    state: row.state,
    trigger: row.trigger,
    forced: row.forced,
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
