/** Entry of the embedded database process (see `embedded-database.ts`); importing it starts the server. */
import {
  EMBEDDED_DB_DIR_ENV,
  startEmbeddedDatabaseServer,
  type EmbeddedDatabaseMessage,
} from './embedded-database-server';

function log(level: 'info' | 'error', msg: string, fields: Record<string, unknown> = {}): void {
  process.stderr.write(
    `${JSON.stringify({ level, time: Date.now(), pid: process.pid, context: 'EmbeddedDatabase', msg, ...fields })}\n`,
  );
}

function send(message: EmbeddedDatabaseMessage): void {
  if (process.connected) process.send?.(message);
}

/**
 * The embedded database process: owns the PGlite folder and serves it until SIGTERM/SIGINT or until its parent
 * goes away (IPC disconnect), so a killed service never leaves a process holding the folder.
 */
async function main(): Promise<void> {
  const dataDir = process.env[EMBEDDED_DB_DIR_ENV];
  if (!dataDir) throw new Error(`${EMBEDDED_DB_DIR_ENV} is not set`);
  // A stop during start waits for PGlite to finish opening (an interrupted initdb would leave a broken folder).
  const starting = startEmbeddedDatabaseServer(dataDir);
  let stopping = false;
  const stop = async (why: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    try {
      const server = await starting.catch(() => undefined);
      await server?.stop();
      log('info', `embedded feedback database stopped (${why})`, { data_dir: dataDir });
      process.exit(0);
    } catch (error) {
      log('error', `embedded feedback database did not stop cleanly (${why}): ${(error as Error).message}`);
      process.exit(1);
    }
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('disconnect', () => void stop('parent process gone'));
  const server = await starting;
  if (stopping) return;
  log('info', 'embedded feedback database listening', { data_dir: dataDir, socket: server.socketPath });
  send({ type: 'ready', url: server.url, pid: process.pid });
}

main().catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  log('error', `embedded feedback database failed to start: ${message}`);
  send({ type: 'failed', message });
  process.exit(1);
});
