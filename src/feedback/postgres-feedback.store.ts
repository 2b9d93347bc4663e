import { Logger } from '@nestjs/common';
import { Pool, type PoolClient, type PoolConfig } from 'pg';
import { databaseConnectionString, onDatabaseCredentialsChange } from '../config/database-url';
import type { SecretsService } from '../config/secrets.service';
import { migrate, type SqlDatabase, type SqlSession, SqlFeedbackStore } from './sql-feedback.store';

/** PostgreSQL error codes meaning "these credentials no longer work": retried once on a newer pool. */
const CREDENTIAL_ERRORS = new Set(['28P01', '28000']);

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
export class PostgresFeedbackStore extends SqlFeedbackStore {
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
    await migrate(this.sql);
  }

  async close(): Promise<void> {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    const pool = this.pool;
    this.pool = undefined;
    await Promise.all([...this.draining, pool?.end()]);
  }

  protected database(): SqlDatabase {
    return this.sql;
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
