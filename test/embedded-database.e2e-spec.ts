import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ServiceUnavailableException } from '@nestjs/common';
import { Client } from 'pg';
import {
  EMBEDDED_DB_URL_ENV,
  EmbeddedDatabase,
  nodeArgumentsFor,
  startEmbeddedDatabaseIfNeeded,
} from '../src/feedback/embedded-database';
import {
  embeddedDatabaseUrl,
  embeddedSocketDir,
  startEmbeddedDatabaseServer,
} from '../src/feedback/embedded-database-server';
import { servingEmbeddedDatabase } from '../src/feedback/embedded-database-address';
import type { FeedbackStore } from '../src/feedback/feedback.store';
import { PgliteFeedbackStore } from '../src/feedback/pglite-feedback.store';
import { createFeedbackStore, describeFeedbackStore } from '../src/feedback/feedback-store.factory';
import { withFeedbackStore } from '../src/feedback/feedback-store-errors';
import { SecretsService } from '../src/config/secrets.service';

jest.setTimeout(180_000);

const SRC = resolve(__dirname, '..', 'src');

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function waitUntil(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 60_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function embeddedStore(url: string): FeedbackStore {
  return createFeedbackStore({ feedbackDbDir: '/nowhere', embeddedDbUrl: url }, new SecretsService({})).store;
}

describe(EmbeddedDatabase.name, () => {
  let root: string;
  let dataDir: string;
  let database: EmbeddedDatabase;
  const logs: string[] = [];
  const stores: FeedbackStore[] = [];

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'embedded-db-'));
    dataDir = join(root, 'feedback-db');
    database = new EmbeddedDatabase({
      dataDir,
      restartDelayMs: 100,
      log: (level, msg) => logs.push(`${level}: ${msg}`),
    });
    await database.start();
  });

  afterAll(async () => {
    await Promise.all(stores.map((s) => s.close().catch(() => undefined)));
    const pid = database?.pid;
    await database?.stop();
    if (pid !== undefined) expect(isAlive(pid)).toBe(false);
    await rm(root, { recursive: true, force: true });
  });

  async function openClient(): Promise<FeedbackStore> {
    const store = embeddedStore(database.url);
    stores.push(store);
    await store.open();
    return store;
  }

  it('should serve the folder from its own process on an owner-only unix socket beside it', async () => {
    expect(database.pid).toEqual(expect.any(Number));
    expect(database.pid).not.toBe(process.pid);
    expect(database.up).toBe(true);
    expect(database.url).toBe(embeddedDatabaseUrl(dataDir));
    const socketDir = await stat(embeddedSocketDir(dataDir));
    expect(socketDir.mode & 0o777).toBe(0o700);
    expect((await stat(join(embeddedSocketDir(dataDir), '.s.PGSQL.5432'))).isSocket()).toBe(true);
    expect(logs.some((l) => l.startsWith('info: embedded feedback database ready'))).toBe(true);
  });

  it('should let two clients write concurrently and see each other’s labels, relabels included', async () => {
    const [a, b] = [await openClient(), await openClient()];
    const writes = [];
    for (let i = 0; i < 20; i++) {
      writes.push(a.upsert({ text: `client a message ${i}`, label: i % 2 ? 'spam' : 'not_spam' }));
      writes.push(b.upsert({ text: `client b message ${i}`, label: 'spam' }));
    }
    const results = await Promise.all(writes);
    expect(results.every((r) => r.outcome === 'created')).toBe(true);
    const relabel = await b.upsert({ text: 'client a message 0', label: 'spam' });
    expect(relabel.outcome).toBe('relabelled');
    const [seenByA, seenByB] = await Promise.all([a.snapshot(), b.snapshot()]);
    expect(seenByA.rows).toHaveLength(40);
    expect(seenByB.rows).toHaveLength(40);
    expect(seenByA.rows.find((r) => r.text === 'client a message 0')?.label).toBe('spam');
  });

  it('should refuse a second database process on the same folder while the first serves it', async () => {
    const second = new EmbeddedDatabase({ dataDir, log: () => undefined });
    await expect(second.start()).rejects.toThrow(/another process already serves the feedback database/u);
    expect(second.pid).toBeUndefined();
    await expect(new PgliteFeedbackStore(dataDir).open()).rejects.toThrow(
      /is held by a running embedded database process; connect to it instead \(EMBEDDED_FEEDBACK_DB_URL=postgresql:/u,
    );
    await expect(servingEmbeddedDatabase(dataDir)).resolves.toBe(database.url);
    const store = await openClient();
    expect((await store.snapshot()).rows.length).toBeGreaterThanOrEqual(40);
  });

  it('should report the store down after a crash, restart it with the data kept, and reconnect the clients', async () => {
    const store = await openClient();
    const before = (await store.snapshot()).rows.length;
    const crashed = database.pid!;
    const starts = database.starts;
    process.kill(crashed, 'SIGKILL');
    await waitUntil(() => !database.up, 'the supervisor to notice the crash');
    // What the feedback API answers meanwhile: 503, not 500.
    await expect(withFeedbackStore(() => store.countNewSinceLastRun())).rejects.toBeInstanceOf(
      ServiceUnavailableException,
    );
    await database.whenReady();
    expect(database.starts).toBe(starts + 1);
    expect(database.pid).not.toBe(crashed);
    expect(isAlive(crashed)).toBe(false);
    expect(logs.some((l) => /^error: embedded feedback database exited unexpectedly \(SIGKILL\)/u.test(l))).toBe(true);
    expect((await store.snapshot()).rows).toHaveLength(before);
    expect((await store.upsert({ text: 'after the restart', label: 'spam' })).outcome).toBe('created');
  });

  it('should serve two separate client processes (cluster workers) at once', async () => {
    const entry = join(root, 'worker-client.ts');
    await writeFile(
      entry,
      `import { createFeedbackStore } from ${JSON.stringify(join(SRC, 'feedback/feedback-store.factory'))};
import { SecretsService } from ${JSON.stringify(join(SRC, 'vault/secrets.service'))};
async function main(): Promise<void> {
  const tag = process.env.WORKER_TAG!;
  const { store, kind } = createFeedbackStore(
    { feedbackDbDir: '/nowhere', embeddedDbUrl: process.env.${EMBEDDED_DB_URL_ENV} },
    new SecretsService({}),
  );
  await store.open();
  const outcomes: string[] = [];
  for (let i = 0; i < 25; i++) outcomes.push((await store.upsert({ text: tag + ' worker message ' + i, label: 'spam' })).outcome);
  const seen = (await store.snapshot()).rows.filter((r) => r.text.includes(' worker message ')).length;
  await store.close();
  process.stdout.write(JSON.stringify({ pid: process.pid, kind, outcomes, seen }));
}
void main().catch((e) => { process.stderr.write(String(e && e.stack)); process.exit(1); });
`,
    );
    const run = (tag: string) =>
      new Promise<{ pid: number; kind: string; outcomes: string[]; seen: number }>((done, fail) => {
        const child = spawn(process.execPath, nodeArgumentsFor(entry), {
          cwd: resolve(__dirname, '..'),
          env: { ...process.env, [EMBEDDED_DB_URL_ENV]: database.url, WORKER_TAG: tag },
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        let out = '';
        let err = '';
        child.stdout.on('data', (d: Buffer) => (out += d.toString()));
        child.stderr.on('data', (d: Buffer) => (err += d.toString()));
        child.on('exit', (code) =>
          code === 0 ? done(JSON.parse(out)) : fail(new Error(`client ${tag} exited ${code}: ${err}`)),
        );
      });
    const [one, two] = await Promise.all([run('first'), run('second')]);
    expect(one.pid).not.toBe(two.pid);
    expect(one.kind).toBe('embedded');
    expect([...one.outcomes, ...two.outcomes].every((o) => o === 'created')).toBe(true);
    expect(Math.max(one.seen, two.seen)).toBe(50);
    const store = await openClient();
    const rows = (await store.snapshot()).rows.filter((r) => r.text.includes(' worker message '));
    expect(rows).toHaveLength(50);
  });

  it('should stop the process and remove its socket, and start again on the same folder and URL', async () => {
    const pid = database.pid!;
    await database.stop();
    expect(isAlive(pid)).toBe(false);
    expect(database.up).toBe(false);
    await expect(stat(join(embeddedSocketDir(dataDir), '.s.PGSQL.5432'))).rejects.toThrow();
    await expect(servingEmbeddedDatabase(dataDir)).resolves.toBeUndefined();
    await expect(database.start()).resolves.toBe(embeddedDatabaseUrl(dataDir));
    const store = await openClient();
    expect((await store.snapshot()).rows.find((r) => r.text === 'after the restart')).toBeDefined();
  });
});

describe(startEmbeddedDatabaseServer.name, () => {
  let root: string;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'embedded-db-server-'));
  });

  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('should migrate the folder once, serve node-postgres clients and clear a socket left by a crash', async () => {
    const dataDir = join(root, 'db');
    await mkdir(embeddedSocketDir(dataDir), { recursive: true });
    // A leftover nobody answers on, as a killed process leaves its socket file.
    const socketPath = join(embeddedSocketDir(dataDir), '.s.PGSQL.5432');
    await writeFile(socketPath, '');

    const server = await startEmbeddedDatabaseServer(dataDir);
    try {
      const clients = [new Client({ connectionString: server.url }), new Client({ connectionString: server.url })];
      await Promise.all(clients.map((c) => c.connect()));
      const versions = await clients[0].query<{ version: number }>('SELECT version FROM schema_migrations');
      expect(versions.rows.length).toBeGreaterThan(0);
      await clients[0].query('BEGIN');
      await clients[0].query("INSERT INTO feedback (content_hash, text, label) VALUES (repeat('a', 64), 'x', 'spam')");
      const during = clients[1].query<{ n: number }>('SELECT count(*)::int AS n FROM feedback');
      await clients[0].query('COMMIT');
      expect((await during).rows[0].n).toBe(1);
      await Promise.all(clients.map((c) => c.end()));
    } finally {
      await server.stop();
    }
  });

  it('should refuse a folder whose socket path does not fit a unix socket, naming FEEDBACK_DB_DIR', async () => {
    await expect(startEmbeddedDatabaseServer(join(root, 'x'.repeat(120)))).rejects.toThrow(
      /FEEDBACK_DB_DIR=.* is too long for the embedded database's unix socket/u,
    );
  });
});

describe(startEmbeddedDatabaseIfNeeded.name, () => {
  it('should start nothing with DATABASE_URL or when a parent already published the URL', async () => {
    await expect(startEmbeddedDatabaseIfNeeded({}, true)).resolves.toBeUndefined();
    await expect(startEmbeddedDatabaseIfNeeded({ [EMBEDDED_DB_URL_ENV]: 'postgresql://x' }, false)).resolves.toBe(
      undefined,
    );
  });

  it('should start one for FEEDBACK_DB_DIR and publish its URL for the workers', async () => {
    const root = await mkdtemp(join(tmpdir(), 'embedded-db-env-'));
    const env: NodeJS.ProcessEnv = { FEEDBACK_DB_DIR: join(root, 'db') };
    const database = await startEmbeddedDatabaseIfNeeded(env, false, { log: () => undefined });
    try {
      expect(env[EMBEDDED_DB_URL_ENV]).toBe(embeddedDatabaseUrl(join(root, 'db')));
      const { store, kind } = createFeedbackStore(
        { feedbackDbDir: join(root, 'db'), embeddedDbUrl: env[EMBEDDED_DB_URL_ENV] },
        new SecretsService({}),
      );
      expect(describeFeedbackStore(kind, { feedbackDbDir: join(root, 'db') })).toMatch(/^embedded database process/u);
      await store.open();
      expect(await store.countNewSinceLastRun()).toBe(0);
      await store.close();
    } finally {
      await database?.stop();
      await rm(root, { recursive: true, force: true });
    }
  });
});

describe(createFeedbackStore.name, () => {
  it('should prefer DATABASE_URL, then the embedded process, then PGlite in this process', () => {
    const config = { feedbackDbDir: '/data/db', embeddedDbUrl: embeddedDatabaseUrl('/data/db') };
    expect(createFeedbackStore(config, new SecretsService({ DATABASE_URL: 'postgres://db/spam' })).kind).toBe(
      'postgresql',
    );
    expect(createFeedbackStore(config, new SecretsService({})).kind).toBe('embedded');
    expect(createFeedbackStore({ ...config, embeddedDbUrl: undefined }, new SecretsService({})).kind).toBe('pglite');
    expect(describeFeedbackStore('pglite', config)).toBe('PGlite in this process at /data/db');
    expect(describeFeedbackStore('postgresql', config)).toBe('PostgreSQL (DATABASE_URL)');
  });
});
