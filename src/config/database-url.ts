import type { SecretsService } from './secrets.service';

/** The names of the dynamic database credentials (the Vault adapter issues them), laid over DATABASE_URL. */
export const DATABASE_USERNAME = 'DATABASE_USERNAME';
export const DATABASE_PASSWORD = 'DATABASE_PASSWORD';

/**
 * The connection string for the database pool: DATABASE_URL with the user and password replaced by the dynamic
 * credentials Vault issued (DATABASE_USERNAME / DATABASE_PASSWORD), when there are any. Read it again whenever
 * SecretsService reports a change to DATABASE_URL, DATABASE_USERNAME or DATABASE_PASSWORD, and re-create the
 * pool: the previous credentials stay valid until their lease ends (at least a third of the lease after the
 * rotation), which is the window for the old pool to drain.
 */
export function databaseConnectionString(secrets: SecretsService): string | undefined {
  const url = secrets.get('DATABASE_URL');
  if (url === undefined) return undefined;
  return withCredentials(url, secrets.get(DATABASE_USERNAME), secrets.get(DATABASE_PASSWORD));
}

/** DATABASE_URL with the given user and password (percent-encoded); either left out keeps the URL's own. */
export function withCredentials(url: string, username?: string, password?: string): string {
  if (username === undefined && password === undefined) return url;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    // Never echo the URL: it may hold a password.
    throw new Error('DATABASE_URL is not a valid URL (expected postgres://host:port/database)');
  }
  if (username !== undefined) parsed.username = encodeURIComponent(username);
  if (password !== undefined) parsed.password = encodeURIComponent(password);
  return parsed.toString();
}

/** Names whose change means the pool must be re-created. */
export const DATABASE_SECRET_NAMES: readonly string[] = ['DATABASE_URL', DATABASE_USERNAME, DATABASE_PASSWORD];

/** Subscribes to database credential changes; the callback receives the new connection string. Returns unsubscribe. */
export function onDatabaseCredentialsChange(
  secrets: SecretsService,
  listener: (connectionString: string | undefined) => void,
): () => void {
  let last = safeConnectionString(secrets);
  return secrets.onChange((name) => {
    if (!DATABASE_SECRET_NAMES.includes(name)) return;
    const next = safeConnectionString(secrets);
    if (next === last) return;
    last = next;
    listener(next);
  });
}

function safeConnectionString(secrets: SecretsService): string | undefined {
  try {
    return databaseConnectionString(secrets);
  } catch {
    return undefined;
  }
}
