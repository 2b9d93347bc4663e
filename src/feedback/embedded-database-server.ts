import { chmod, mkdir, rm } from 'node:fs/promises';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { migrate } from './sql-feedback.store';
import { pgliteSqlDatabase } from './pglite-feedback.store';
import {
  embeddedDatabaseUrl,
  embeddedSocketDir,
  embeddedSocketPath,
  isSocketAnswering,
} from './embedded-database-address';

export { embeddedDatabaseUrl, embeddedSocketDir } from './embedded-database-address';
/** Linux's sun_path holds 108 bytes with the final NUL. */
const MAX_SOCKET_PATH_BYTES = 107;
/**
 * Clients the multiplexer accepts at once: every serving process's pool (4 each) plus tools. pglite-socket answers
 * one past the limit with a line that is not the wire protocol, so keep it far above what is used.
 */
export const EMBEDDED_DATABASE_MAX_CONNECTIONS = 256;

/** What the parent reads from this process over IPC. */
export type EmbeddedDatabaseMessage =
  | { readonly type: 'ready'; readonly url: string; readonly pid: number }
  | { readonly type: 'failed'; readonly message: string };

/** Environment variable carrying the data folder from the supervisor (`EmbeddedDatabase`) to this process. */
export const EMBEDDED_DB_DIR_ENV = 'EMBEDDED_FEEDBACK_DB_DIR';

export interface EmbeddedDatabaseServer {
  readonly url: string;
  readonly socketPath: string;
  /** Refuses new clients, detaches the connected ones, then closes PGlite (its files are flushed). */
  stop(): Promise<void>;
}

/**
 * Opens the PGlite data folder, applies the feedback migrations, and serves it over the PostgreSQL wire protocol on
 * a unix socket beside the folder, several clients multiplexed onto the single PGlite session by pglite-socket (a
 * client inside a transaction holds the session until it commits or rolls back). Refuses to start when another
 * process already answers on that socket: it owns the folder, and two PGlite instances on one folder corrupt it.
 */
export async function startEmbeddedDatabaseServer(dataDir: string): Promise<EmbeddedDatabaseServer> {
  const socketDir = embeddedSocketDir(dataDir);
  const socketPath = embeddedSocketPath(dataDir);
  if (Buffer.byteLength(socketPath) > MAX_SOCKET_PATH_BYTES) {
    throw new Error(
      `FEEDBACK_DB_DIR=${dataDir} is too long for the embedded database's unix socket ${socketPath} ` +
        `(${Buffer.byteLength(socketPath)} bytes, at most ${MAX_SOCKET_PATH_BYTES}); choose a shorter folder`,
    );
  }
  await mkdir(socketDir, { recursive: true, mode: 0o700 });
  await chmod(socketDir, 0o700);
  await removeStaleSocket(socketPath, dataDir);

  await mkdir(dataDir, { recursive: true });
  const db = await PGlite.create(dataDir);
  let server: PGLiteSocketServer | undefined;
  try {
    await migrate(pgliteSqlDatabase(db));
    server = new PGLiteSocketServer({ db, path: socketPath, maxConnections: EMBEDDED_DATABASE_MAX_CONNECTIONS });
    await server.start();
  } catch (error) {
    await server?.stop().catch(() => undefined);
    await db.close().catch(() => undefined);
    throw error;
  }
  const listening = server;
  let stopped: Promise<void> | undefined;
  return {
    url: embeddedDatabaseUrl(dataDir),
    socketPath,
    stop: () =>
      (stopped ??= (async () => {
        await listening.stop();
        if (!db.closed) await db.close();
        await rm(socketPath, { force: true });
      })()),
  };
}

/** A socket file nobody answers on is left from a crash: remove it. One that answers belongs to a live owner. */
async function removeStaleSocket(socketPath: string, dataDir: string): Promise<void> {
  if (await isSocketAnswering(socketPath)) {
    throw new Error(
      `another process already serves the feedback database ${dataDir} on ${socketPath}; ` +
        'only one process may open a PGlite data folder',
    );
  }
  await rm(socketPath, { force: true });
}
