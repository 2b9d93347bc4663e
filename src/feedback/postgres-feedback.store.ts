import { Logger } from '@nestjs/common';
import { Pool, type PoolClient, type PoolConfig } from 'pg';
import { databaseConnectionString, onDatabaseCredentialsChange } from '../config/database-url';
import type { SecretsService } from '../config/secrets.service';
import { POSTGRES_FEEDBACK_MIGRATIONS, type SqlMigration } from './feedback-migrations';
import {
  FEEDBACK_COLUMNS,
  RUN_COLUMNS,
  toDate,
  toFeedback,
  toRun,
  type FeedbackRow,
  type RunRow,
} from './feedback-rows';
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

/** PostgreSQL error codes meaning "these credentials no longer work": retried once on a newer pool. */
const CREDENTIAL_ERRORS = new Set(['28P01', '28000']);

/** Parameterised queries and multi-statement scripts, on the pool or on one client inside a transaction. */
interface SqlSession {
  query<T>(sql: string, params?: readonly unknown[]): Promise<T[]>;
  /** Runs a script of several statements without parameters. */
  exec(sql: string): Promise<void>;
}

interface SqlDatabase extends SqlSession {
  transaction<T>(work: (session: SqlSession) => Promise<T>): Promise<T>;
}

/** Any 64-bit constant unique to this schema: serialises migrations of replicas starting together. */
const MIGRATION_LOCK_KEY = 5_112_026_001;

/** Applies the migrations that `schema_migrations` does not list yet, each in its own transaction. */
async function migrate(db: SqlDatabase, migrations: readonly SqlMigration[]): Promise<number[]> {
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

function clientSession(client: PoolClient): SqlSession {
  return {
    query: async <T>(sql: string, params: readonly unknown[] = []) =>
      (await client.query(sql, [...params])).rows as T[],
    exec: async (sql: string) => {
      await client.query(sql);
    },
  };
}

/**
 * PostgreSQL server through node-postgres. The connection string and (dynamic, Vault-issued) credentials are read
 * through `SecretsService`; when they rotate a new pool is built and swapped in first, then the old one drains
 * (`pool.end()` waits for checked-out clients), so no request fails because of a rotation.
 */
export class PostgresFeedbackStore extends FeedbackStore {
  private readonly logger = new Logger(PostgresFeedbackStore.name);
  private pool: Pool | undefined;
  private unsubscribe: (() => void) | undefined;
  private readonly draining = new Set<Promise<void>>();
  private readonly sql: SqlDatabase;
  /** How many pools were built so far (1 after open, +1 per credential rotation); for health details and tests. */
  poolGeneration = 0;

  constructor(
    private readonly secrets: SecretsService,
    private readonly poolOptions: Pick<PoolConfig, 'max' | 'connectionTimeoutMillis' | 'idleTimeoutMillis'> = {},
  ) {
    super();
    this.sql = {
      query: <T>(sql: string, params?: readonly unknown[]) =>
        this.withRetry((pool) => pool.query(sql, params ? [...params] : undefined).then((r) => r.rows as T[])),
      exec: (sql: string) => this.withRetry((pool) => pool.query(sql).then(() => undefined)),
      transaction: <T>(work: (session: SqlSession) => Promise<T>) =>
        this.withRetry(async (pool) => {
          const client = await pool.connect();
          try {
            await client.query('BEGIN');
            const result = await work(clientSession(client));
            await client.query('COMMIT');
            return result;
          } catch (error) {
            await client.query('ROLLBACK').catch(() => undefined);
            throw error;
          } finally {
            client.release();
          }
        }),
    };
  }

  async open(): Promise<void> {
    if (this.pool) return;
    this.pool = this.createPool();
    this.unsubscribe = onDatabaseCredentialsChange(this.secrets, () => this.rotate());
    await migrate(this.sql, POSTGRES_FEEDBACK_MIGRATIONS);
  }

  async close(): Promise<void> {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    const pool = this.pool;
    this.pool = undefined;
    await Promise.all([...this.draining, pool?.end()]);
  }

  async upsert(input: FeedbackInput): Promise<FeedbackUpsertResult> {
    const text = normaliseFeedbackText(input.text);
    const hash = feedbackContentHash(text);
    const db = this.sql;
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
    const rows = await this.sql.query<FeedbackRow>(`SELECT ${FEEDBACK_COLUMNS} FROM feedback WHERE id = $1`, [id]);
    return rows.length > 0 ? toFeedback(rows[0]) : undefined;
  }

  async delete(id: string): Promise<boolean> {
    if (!isUuid(id)) return false;
    const rows = await this.sql.query<{ id: string }>('DELETE FROM feedback WHERE id = $1 RETURNING id', [id]);
    return rows.length > 0;
  }

  async list(query: FeedbackQuery): Promise<FeedbackPage> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (query.label) where.push(`label = $${params.push(query.label)}`);
    if (query.from) where.push(`labelled_at >= $${params.push(query.from.toISOString())}`);
    if (query.to) where.push(`labelled_at < $${params.push(query.to.toISOString())}`);
    const filter = where.length > 0 ? `WHERE ${where.join(' AND ')}` : '';
    const db = this.sql;
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
    const rows = await this.sql.query<
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
    const [row] = await this.sql.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM feedback
       WHERE labelled_at >= COALESCE(
         (SELECT max(feedback_cutoff) FROM training_runs WHERE state = 'succeeded'), '-infinity'::timestamptz)`,
    );
    return Number(row.n);
  }

  async createRun(run: Pick<TrainingRunRecord, 'id' | 'trigger' | 'forced' | 'mode'>): Promise<TrainingRunRecord> {
    const rows = await this.sql.query<RunRow>(
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
    const rows = await this.sql.query<RunRow>(
      `UPDATE training_runs SET ${sets.join(', ')} WHERE id = $1 RETURNING *`,
      params,
    );
    return rows.length > 0 ? toRun(rows[0]) : undefined;
  }

  async getRun(id: string): Promise<TrainingRunRecord | undefined> {
    const rows = await this.sql.query<RunRow>('SELECT * FROM training_runs WHERE id = $1', [id]);
    return rows.length > 0 ? toRun(rows[0]) : undefined;
  }

  async listRuns(limit: number, offset = 0): Promise<readonly TrainingRunRecord[]> {
    const rows = await this.sql.query<RunRow>(
      'SELECT * FROM training_runs ORDER BY requested_at DESC LIMIT $1 OFFSET $2',
      [limit, offset],
    );
    return rows.map(toRun);
  }

  async countRuns(): Promise<number> {
    const rows = await this.sql.query<{ n: string }>('SELECT COUNT(*) AS n FROM training_runs');
    return Number(rows[0].n);
  }

  private createPool(): Pool {
    // DATABASE_URL with Vault's dynamic DATABASE_USERNAME / DATABASE_PASSWORD in it, when there are any.
    const connectionString = databaseConnectionString(this.secrets);
    if (!connectionString)
      throw new Error('DATABASE_URL is not set: the PostgreSQL feedback store needs a connection string');
    const pool = new Pool({ connectionString, max: 10, connectionTimeoutMillis: 10_000, ...this.poolOptions });
    // An idle client losing its connection must not crash the process; the pool replaces it.
    pool.on('error', (error) => this.logger.warn(`idle PostgreSQL connection failed: ${error.message}`));
    this.poolGeneration += 1;
    return pool;
  }

  private rotate(): void {
    if (!this.pool) return;
    const old = this.pool;
    try {
      this.pool = this.createPool();
    } catch (error) {
      this.logger.error(`database credentials changed but no new pool could be built: ${(error as Error).message}`);
      return;
    }
    this.logger.log(`database credentials rotated: pool generation ${this.poolGeneration}, draining the previous pool`);
    const drained = old
      .end()
      .catch((error: Error) => this.logger.warn(`draining the previous pool failed: ${error.message}`))
      .finally(() => this.draining.delete(drained));
    this.draining.add(drained);
  }

  private async withRetry<T>(work: (pool: Pool) => Promise<T>): Promise<T> {
    const pool = this.currentPool();
    try {
      return await work(pool);
    } catch (error) {
      const code = (error as { code?: string }).code;
      const poolEnded = error instanceof Error && /after calling end on the pool/iu.test(error.message);
      if (this.pool && this.pool !== pool && (poolEnded || (code !== undefined && CREDENTIAL_ERRORS.has(code)))) {
        return work(this.pool);
      }
      throw error;
    }
  }

  private currentPool(): Pool {
    if (!this.pool) throw new Error('PostgreSQL feedback store is not open');
    return this.pool;
  }
}
