import { randomUUID } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { DatabaseSync, type SQLInputValue, type StatementSync } from 'node:sqlite';
import { SQLITE_FEEDBACK_MIGRATIONS, type SqlMigration } from './feedback-migrations';
import { FEEDBACK_COLUMNS, RUN_COLUMNS, toFeedback, toRun, type FeedbackRow, type RunRow } from './feedback-rows';
import { FeedbackStore } from './feedback.store';
import { feedbackContentHash, normaliseFeedbackText } from './feedback-text';
import {
  isUuid,
  type FeedbackInput,
  type FeedbackPage,
  type FeedbackQuery,
  type FeedbackRecord,
  type FeedbackSnapshot,
  type FeedbackUpsertResult,
  type TrainingRunRecord,
  type TrainingRunUpdate,
} from './feedback.types';

/** How long a statement waits for another process's write to finish before failing with "database is locked". */
export const SQLITE_BUSY_TIMEOUT_MS = 5000;

export interface SqliteFeedbackStoreOptions {
  readonly busyTimeoutMs?: number;
}

/**
 * The embedded feedback store: one SQLite file opened in this process through `node:sqlite`. Every cluster worker
 * (and the retrain CLI) opens the same file: WAL lets readers run beside the one writer, and a writer waits up to the
 * busy timeout for another's transaction. Writes are short transactions started with `BEGIN IMMEDIATE`, so two
 * processes never both hold a read lock they then need to upgrade (which SQLite refuses at once, without waiting).
 * Calls are synchronous under the promise API: a statement holds the event loop for its own duration, plus any wait
 * for another process's write.
 */
export class SqliteFeedbackStore extends FeedbackStore {
  private db: DatabaseSync | undefined;
  private readonly statements = new Map<string, StatementSync>();

  constructor(
    readonly path: string,
    private readonly options: SqliteFeedbackStoreOptions = {},
  ) {
    super();
  }

  async open(): Promise<void> {
    if (this.db) return;
    await mkdir(dirname(this.path), { recursive: true });
    const db = new DatabaseSync(this.path, { timeout: this.options.busyTimeoutMs ?? SQLITE_BUSY_TIMEOUT_MS });
    try {
      db.exec('PRAGMA journal_mode = WAL');
      migrate(db, SQLITE_FEEDBACK_MIGRATIONS);
    } catch (error) {
      db.close();
      throw error;
    }
    this.db = db;
  }

  async close(): Promise<void> {
    const db = this.db;
    this.db = undefined;
    this.statements.clear();
    if (db?.isOpen) db.close();
  }

  async upsert(input: FeedbackInput): Promise<FeedbackUpsertResult> {
    const text = normaliseFeedbackText(input.text);
    const hash = feedbackContentHash(text);
    return this.write(() => {
      const existing = this.row<FeedbackRow>(`SELECT ${FEEDBACK_COLUMNS} FROM feedback WHERE content_hash = ?`, hash);
      const now = Date.now();
      if (!existing) {
        const created = this.row<FeedbackRow>(
          `INSERT INTO feedback (id, content_hash, text, label, request_id, channel, source, created_at, labelled_at, label_seq)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, (SELECT coalesce(max(label_seq), 0) + 1 FROM feedback))
           RETURNING ${FEEDBACK_COLUMNS}`,
          randomUUID(),
          hash,
          text,
          input.label,
          input.requestId ?? null,
          input.channel ?? null,
          input.source ?? null,
          now,
          now,
        );
        return { outcome: 'created', record: toFeedback(created!) };
      }
      if (existing.label === input.label) return { outcome: 'unchanged', record: toFeedback(existing) };
      const relabelled = this.row<FeedbackRow>(
        `UPDATE feedback
         SET label = ?, labelled_at = ?, relabel_count = relabel_count + 1,
             label_seq = (SELECT max(label_seq) + 1 FROM feedback),
             request_id = coalesce(?, request_id), channel = coalesce(?, channel), source = coalesce(?, source)
         WHERE id = ?
         RETURNING ${FEEDBACK_COLUMNS}`,
        input.label,
        now,
        input.requestId ?? null,
        input.channel ?? null,
        input.source ?? null,
        existing.id,
      );
      return { outcome: 'relabelled', record: toFeedback(relabelled!) };
    });
  }

  async get(id: string): Promise<FeedbackRecord | undefined> {
    if (!isUuid(id)) return undefined;
    const row = this.row<FeedbackRow>(`SELECT ${FEEDBACK_COLUMNS} FROM feedback WHERE id = ?`, id.toLowerCase());
    return row ? toFeedback(row) : undefined;
  }

  async delete(id: string): Promise<boolean> {
    if (!isUuid(id)) return false;
    return this.row<{ id: string }>('DELETE FROM feedback WHERE id = ? RETURNING id', id.toLowerCase()) !== undefined;
  }

  async list(query: FeedbackQuery): Promise<FeedbackPage> {
    const where: string[] = [];
    const params: SQLInputValue[] = [];
    if (query.label) {
      where.push('label = ?');
      params.push(query.label);
    }
    if (query.from) {
      where.push('labelled_at >= ?');
      params.push(query.from.getTime());
    }
    if (query.to) {
      where.push('labelled_at < ?');
      params.push(query.to.getTime());
    }
    const filter = where.length > 0 ? `WHERE ${where.join(' AND ')}` : '';
    return this.read(() => {
      const count = this.row<{ total: number }>(`SELECT count(*) AS total FROM feedback ${filter}`, ...params);
      const rows = this.rows<FeedbackRow>(
        `SELECT ${FEEDBACK_COLUMNS} FROM feedback ${filter}
         ORDER BY labelled_at DESC, label_seq DESC LIMIT ? OFFSET ?`,
        ...params,
        query.limit,
        query.offset,
      );
      return { items: rows.map(toFeedback), total: count!.total, limit: query.limit, offset: query.offset };
    });
  }

  /**
   * Rows labelled before `takenAt` are in the snapshot, rows at or after it count as new once `takenAt` is a succeeded
   * run's cutoff. Taken under the write lock, so no label stamped before `takenAt` is still uncommitted and missed
   * by both. With `before`, the cutoff is that instant (a training Job reads what the leader's snapshot saw).
   */
  async snapshot(before?: Date): Promise<FeedbackSnapshot> {
    return this.write(() => {
      const takenAt = Math.min(Date.now(), before?.getTime() ?? Number.POSITIVE_INFINITY);
      const rows = this.rows<Pick<FeedbackRow, 'id' | 'text' | 'label' | 'content_hash'>>(
        'SELECT id, text, label, content_hash FROM feedback WHERE labelled_at < ? ORDER BY content_hash',
        takenAt,
      );
      return {
        takenAt: new Date(takenAt),
        rows: rows.map((r) => ({ id: r.id, text: r.text, label: r.label, contentHash: r.content_hash })),
      };
    });
  }

  async countNewSinceLastRun(): Promise<number> {
    // Without a succeeded run every label is new: the epoch is before any of them.
    const row = this.row<{ n: number }>(
      `SELECT count(*) AS n FROM feedback
       WHERE labelled_at >= coalesce((SELECT max(feedback_cutoff) FROM training_runs WHERE state = 'succeeded'), 0)`,
    );
    return row!.n;
  }

  async createRun(run: Pick<TrainingRunRecord, 'id' | 'trigger' | 'forced' | 'mode'>): Promise<TrainingRunRecord> {
    const row = this.row<RunRow>(
      `INSERT INTO training_runs (id, state, trigger, forced, mode, requested_at)
       VALUES (?, 'queued', ?, ?, ?, ?) RETURNING *`,
      run.id,
      run.trigger,
      run.forced ? 1 : 0,
      run.mode,
      Date.now(),
    );
    return toRun(row!);
  }

  async updateRun(id: string, update: TrainingRunUpdate): Promise<TrainingRunRecord | undefined> {
    const sets: string[] = [];
    const params: SQLInputValue[] = [];
    for (const [key, value] of Object.entries(update) as [keyof TrainingRunUpdate, unknown][]) {
      if (value === undefined) continue;
      sets.push(`${RUN_COLUMNS[key]} = ?`);
      params.push(
        value instanceof Date
          ? value.getTime()
          : key === 'result' && value !== null
            ? JSON.stringify(value)
            : (value as SQLInputValue),
      );
    }
    if (sets.length === 0) return this.getRun(id);
    const row = this.row<RunRow>(`UPDATE training_runs SET ${sets.join(', ')} WHERE id = ? RETURNING *`, ...params, id);
    return row ? toRun(row) : undefined;
  }

  async getRun(id: string): Promise<TrainingRunRecord | undefined> {
    const row = this.row<RunRow>('SELECT * FROM training_runs WHERE id = ?', id);
    return row ? toRun(row) : undefined;
  }

  async listRuns(limit: number, offset = 0): Promise<readonly TrainingRunRecord[]> {
    // rowid orders runs requested within the same millisecond.
    return this.rows<RunRow>(
      'SELECT * FROM training_runs ORDER BY requested_at DESC, rowid DESC LIMIT ? OFFSET ?',
      limit,
      offset,
    ).map(toRun);
  }

  async countRuns(): Promise<number> {
    return Number(this.rows<{ n: number }>('SELECT COUNT(*) AS n FROM training_runs')[0].n);
  }

  private database(): DatabaseSync {
    if (!this.db) throw new Error(`feedback store at ${this.path} is not open`);
    return this.db;
  }

  private statement(sql: string): StatementSync {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.database().prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  private row<T>(sql: string, ...params: SQLInputValue[]): T | undefined {
    return this.statement(sql).get(...params) as T | undefined;
  }

  private rows<T>(sql: string, ...params: SQLInputValue[]): T[] {
    return this.statement(sql).all(...params) as T[];
  }

  private write<T>(work: () => T): T {
    return transaction(this.database(), 'BEGIN IMMEDIATE', work);
  }

  /** Several reads seeing one state of the file. */
  private read<T>(work: () => T): T {
    return transaction(this.database(), 'BEGIN', work);
  }
}

function transaction<T>(db: DatabaseSync, begin: 'BEGIN' | 'BEGIN IMMEDIATE', work: () => T): T {
  db.exec(begin);
  try {
    const result = work();
    db.exec('COMMIT');
    return result;
  } catch (error) {
    if (db.isTransaction) db.exec('ROLLBACK');
    throw error;
  }
}

/**
 * Applies the migrations that `schema_migrations` does not list yet, each in its own write transaction. Reads first,
 * so a start with nothing to apply takes no write lock (a worker starting while another writes does not wait).
 */
function migrate(db: DatabaseSync, migrations: readonly SqlMigration[]): number[] {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version    integer PRIMARY KEY,
    name       text NOT NULL,
    applied_at integer NOT NULL
  ) STRICT`);
  const listed = (): Set<number> =>
    new Set((db.prepare('SELECT version FROM schema_migrations').all() as { version: number }[]).map((r) => r.version));
  const done = listed();
  const pending = [...migrations].filter((m) => !done.has(m.version)).sort((a, b) => a.version - b.version);
  const applied: number[] = [];
  for (const migration of pending) {
    // BEGIN IMMEDIATE takes the write lock before looking again, so workers starting together apply each version once.
    transaction(db, 'BEGIN IMMEDIATE', () => {
      if (listed().has(migration.version)) return;
      db.exec(migration.sql);
      db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(
        migration.version,
        migration.name,
        Date.now(),
      );
      applied.push(migration.version);
    });
  }
  return applied;
}
