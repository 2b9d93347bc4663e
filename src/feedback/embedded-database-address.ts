import { stat } from 'node:fs/promises';
import { connect } from 'node:net';
import { join } from 'node:path';

/** node-postgres looks for `<host dir>/.s.PGSQL.<port>`; the URL leaves the port out, so 5432. */
const SOCKET_FILE = '.s.PGSQL.5432';

/** The folder holding the unix socket of the embedded database serving `dataDir` (beside it, owner only). */
export function embeddedSocketDir(dataDir: string): string {
  return `${dataDir}.socket`;
}

/** The unix socket the embedded database serving `dataDir` listens on. */
export function embeddedSocketPath(dataDir: string): string {
  return join(embeddedSocketDir(dataDir), SOCKET_FILE);
}

/** The node-postgres connection string of the embedded database serving `dataDir` (unix socket, no password). */
export function embeddedDatabaseUrl(dataDir: string): string {
  return `postgresql://postgres@/postgres?host=${encodeURIComponent(embeddedSocketDir(dataDir))}`;
}

/** Whether a socket file exists there and something accepts connections on it. */
export async function isSocketAnswering(socketPath: string): Promise<boolean> {
  const exists = await stat(socketPath).then(
    () => true,
    () => false,
  );
  if (!exists) return false;
  return new Promise<boolean>((resolve) => {
    const probe = connect(socketPath);
    probe.once('connect', () => {
      probe.destroy();
      resolve(true);
    });
    probe.once('error', () => resolve(false));
  });
}

/** The URL of the embedded database process serving `dataDir` right now, if one does. */
export async function servingEmbeddedDatabase(dataDir: string): Promise<string | undefined> {
  return (await isSocketAnswering(embeddedSocketPath(dataDir))) ? embeddedDatabaseUrl(dataDir) : undefined;
}
