import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, chown, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';

const run = promisify(execFile);

/** Debian's PostgreSQL 15 binaries (`apt-get install postgresql`, as .ci/run does). */
export const POSTGRES_BIN_DIR = process.env.POSTGRES_BIN_DIR ?? '/usr/lib/postgresql/15/bin';

export interface PostgresServer {
  readonly host: string;
  readonly port: number;
  /** Superuser connection string (password authentication over TCP). */
  readonly adminUrl: string;
  /** Creates a database and a login role owning it; returns its connection string. */
  createDatabase(name: string, user?: string, password?: string): Promise<string>;
  /** Runs SQL as the superuser on the given database. */
  sql(query: string, database?: string): Promise<void>;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** util-linux's runuser, also when the PATH leaves out the sbin folders (a non-login root shell). */
const RUNUSER = ['/usr/sbin/runuser', '/sbin/runuser'].find((path) => existsSync(path)) ?? 'runuser';

/** Tests run as root; PostgreSQL refuses to, so its commands run as the `postgres` OS user. */
function asPostgres(command: string, args: string[]): [string, string[]] {
  return process.getuid?.() === 0 ? [RUNUSER, ['-u', 'postgres', '--', command, ...args]] : [command, args];
}

/**
 * Starts a throwaway PostgreSQL 15 (initdb in a temp dir, listening on 127.0.0.1 and a free port, unix socket in the
 * same dir, fsync off) with `pg_ctl`, and stops it and removes everything on stop.
 */
export async function startPostgresServer(): Promise<PostgresServer> {
  const initdb = join(POSTGRES_BIN_DIR, 'initdb');
  if (!existsSync(initdb)) {
    throw new Error(`${initdb} not found: install Debian's postgresql package (apt-get install postgresql)`);
  }
  const root = await mkdtemp(join(tmpdir(), 'feedback-pg-'));
  const dataDir = join(root, 'data');
  const password = 'test-superuser-password';
  const pwfile = join(root, 'pwfile');
  await writeFile(pwfile, password);
  if (process.getuid?.() === 0) {
    const { stdout } = await run('id', ['-u', 'postgres']);
    const { stdout: gid } = await run('id', ['-g', 'postgres']);
    await chown(root, Number(stdout.trim()), Number(gid.trim()));
    await chown(pwfile, Number(stdout.trim()), Number(gid.trim()));
  }
  await chmod(root, 0o700);
  const [initCmd, initArgs] = asPostgres(initdb, [
    '-D',
    dataDir,
    '-U',
    'postgres',
    '-E',
    'UTF8',
    '--locale=C',
    '--pwfile',
    pwfile,
    '--auth-local=trust',
    '--auth-host=scram-sha-256',
    '--no-sync',
  ]);
  await run(initCmd, initArgs);
  const port = await freePort();
  const logFile = join(root, 'postgres.log');
  const options = [
    `-h 127.0.0.1 -p ${port} -k ${root}`,
    '-c fsync=off -c synchronous_commit=off -c full_page_writes=off',
  ].join(' ');
  const pgCtl = join(POSTGRES_BIN_DIR, 'pg_ctl');
  const [startCmd, startArgs] = asPostgres(pgCtl, [
    'start',
    '-D',
    dataDir,
    '-l',
    logFile,
    '-w',
    '-t',
    '60',
    '-o',
    options,
  ]);
  try {
    await run(startCmd, startArgs);
  } catch (error) {
    const log = await readFile(logFile, 'utf8').catch(() => '');
    await rm(root, { recursive: true, force: true });
    throw new Error(`PostgreSQL did not start: ${(error as Error).message}\n${log}`, { cause: error });
  }
  const adminUrl = `postgres://postgres:${password}@127.0.0.1:${port}/postgres`;

  const connect = async (database = 'postgres'): Promise<Client> => {
    const client = new Client({ host: '127.0.0.1', port, user: 'postgres', password, database });
    await client.connect();
    return client;
  };

  const sql = async (query: string, database?: string) => {
    const client = await connect(database);
    try {
      await client.query(query);
    } finally {
      await client.end();
    }
  };

  return {
    host: '127.0.0.1',
    port,
    adminUrl,
    sql,
    async createDatabase(name, user = `${name}_owner`, userPassword = `${name}-password`) {
      await sql(`CREATE ROLE "${user}" LOGIN PASSWORD '${userPassword}'`);
      await sql(`CREATE DATABASE "${name}" OWNER "${user}"`);
      return `postgres://${user}:${userPassword}@127.0.0.1:${port}/${name}`;
    },
    async stop() {
      const [stopCmd, stopArgs] = asPostgres(pgCtl, ['stop', '-D', dataDir, '-m', 'fast', '-w', '-t', '60']);
      await run(stopCmd, stopArgs).catch(() => undefined);
      await rm(root, { recursive: true, force: true });
    },
  };
}
