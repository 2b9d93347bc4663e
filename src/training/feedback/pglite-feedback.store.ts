import { mkdir } from 'node:fs/promises';
import { PGlite, type Transaction } from '@electric-sql/pglite';
import { migrate, type SqlDatabase, type SqlSession, SqlFeedbackStore } from './sql-feedback.store';

function session(target: PGlite | Transaction): SqlSession {
  return {
    query: async <T>(sql: string, params: readonly unknown[] = []) => (await target.query<T>(sql, [...params])).rows,
    exec: async (sql: string) => {
      await target.exec(sql);
    },
  };
}

/** Embedded PostgreSQL (PGlite, WebAssembly) keeping its data folder on disk: the default without `DATABASE_URL`. */
export class PgliteFeedbackStore extends SqlFeedbackStore {
  private db: PGlite | undefined;
  private sql: SqlDatabase | undefined;

  constructor(private readonly dataDir: string) {
    super();
  }

  async open(): Promise<void> {
    if (this.sql) return;
    await mkdir(this.dataDir, { recursive: true });
    const db = await PGlite.create(this.dataDir);
    this.db = db;
    this.sql = { ...session(db), transaction: (work) => db.transaction((tx) => work(session(tx))) };
    await migrate(this.sql);
  }

  async close(): Promise<void> {
    const db = this.db;
    this.db = undefined;
    this.sql = undefined;
    if (db && !db.closed) await db.close();
  }

  protected database(): SqlDatabase {
    if (!this.sql) throw new Error(`feedback store at ${this.dataDir} is not open`);
    return this.sql;
  }
}
