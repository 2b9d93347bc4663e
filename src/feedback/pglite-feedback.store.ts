import { mkdir } from 'node:fs/promises';
import { PGlite, type Transaction } from '@electric-sql/pglite';
import { servingEmbeddedDatabase } from './embedded-database-address';
import { migrate, type SqlDatabase, type SqlSession, SqlFeedbackStore } from './sql-feedback.store';

function session(target: PGlite | Transaction): SqlSession {
  return {
    query: async <T>(sql: string, params: readonly unknown[] = []) => (await target.query<T>(sql, [...params])).rows,
    exec: async (sql: string) => {
      await target.exec(sql);
    },
  };
}

/** The SQL port over one PGlite instance (what the migrations and the store run on). */
export function pgliteSqlDatabase(db: PGlite): SqlDatabase {
  return { ...session(db), transaction: (work) => db.transaction((tx) => work(session(tx))) };
}

/**
 * Embedded PostgreSQL (PGlite, WebAssembly) in this process, keeping its data folder on disk. Only one process may
 * open a data folder: the service runs it in its own process (`embedded-database.ts`) and reaches it over the wire;
 * this in-process adapter is for tests and tools that own the folder alone.
 */
export class PgliteFeedbackStore extends SqlFeedbackStore {
  private db: PGlite | undefined;
  private sql: SqlDatabase | undefined;

  constructor(private readonly dataDir: string) {
    super();
  }

  async open(): Promise<void> {
    if (this.sql) return;
    // Opening a folder the service's database process holds would corrupt it: be its client instead.
    const url = await servingEmbeddedDatabase(this.dataDir);
    if (url) {
      throw new Error(
        `the feedback database ${this.dataDir} is held by a running embedded database process; ` +
          `connect to it instead (EMBEDDED_FEEDBACK_DB_URL=${url}) or stop the service first`,
      );
    }
    await mkdir(this.dataDir, { recursive: true });
    const db = await PGlite.create(this.dataDir);
    this.db = db;
    this.sql = pgliteSqlDatabase(db);
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
