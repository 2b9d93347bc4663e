import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { Client } from 'pg';
import { FeedbackStore } from '../src/feedback/feedback.store';
import { feedbackContentHash } from '../src/feedback/feedback-text';
import { POSTGRES_FEEDBACK_MIGRATIONS, SQLITE_FEEDBACK_MIGRATIONS } from '../src/feedback/feedback-migrations';
import { PostgresFeedbackStore } from '../src/feedback/postgres-feedback.store';
import { SqliteFeedbackStore } from '../src/feedback/sqlite-feedback.store';
import { SecretsService } from '../src/config/secrets.service';
import { startPostgresServer, type PostgresServer } from './support/postgres-server';

/** The repository contract both feedback store adapters keep, run on each against a real database. */
interface Harness {
  /** The versions of this dialect's migration list. */
  readonly latest: readonly number[];
  /** A fresh, empty, open store. */
  create(): Promise<FeedbackStore>;
  /** Versions listed in schema_migrations of the store's database. */
  migrations(store: FeedbackStore): Promise<number[]>;
  dispose(): Promise<void>;
}

async function sqliteHarness(): Promise<Harness> {
  const root = await mkdtemp(join(tmpdir(), 'feedback-sqlite-'));
  const stores: SqliteFeedbackStore[] = [];
  let n = 0;
  return {
    latest: SQLITE_FEEDBACK_MIGRATIONS.map((m) => m.version),
    async create() {
      const store = new SqliteFeedbackStore(join(root, `db-${n++}`, 'feedback.sqlite'));
      await store.open();
      stores.push(store);
      return store;
    },
    async migrations(store) {
      // A second connection to the same file, as another worker process would open it.
      const db = new DatabaseSync((store as SqliteFeedbackStore).path, { readOnly: true });
      try {
        const rows = db.prepare('SELECT version FROM schema_migrations ORDER BY version').all() as {
          version: number;
        }[];
        return rows.map((r) => r.version);
      } finally {
        db.close();
      }
    },
    async dispose() {
      await Promise.all(stores.map((s) => s.close()));
      await rm(root, { recursive: true, force: true });
    },
  };
}

async function postgresHarness(): Promise<Harness> {
  const server: PostgresServer = await startPostgresServer();
  const stores: { store: FeedbackStore; url: string }[] = [];
  let n = 0;
  return {
    latest: POSTGRES_FEEDBACK_MIGRATIONS.map((m) => m.version),
    async create() {
      const url = await server.createDatabase(`feedback_${n++}`);
      const store = new PostgresFeedbackStore(new SecretsService({ DATABASE_URL: url }));
      await store.open();
      stores.push({ store, url });
      return store;
    },
    async migrations(store) {
      const url = stores.find((s) => s.store === store)!.url;
      const client = new Client({ connectionString: url });
      await client.connect();
      try {
        const { rows } = await client.query<{ version: number }>(
          'SELECT version FROM schema_migrations ORDER BY version',
        );
        return rows.map((r) => r.version);
      } finally {
        await client.end();
      }
    },
    async dispose() {
      await Promise.all(stores.map((s) => s.store.close()));
      await server.stop();
    },
  };
}

describe.each([
  ['SqliteFeedbackStore', sqliteHarness],
  ['PostgresFeedbackStore', postgresHarness],
])('%s', (_name, makeHarness) => {
  let harness: Harness;
  let store: FeedbackStore;

  beforeAll(async () => {
    harness = await makeHarness();
    store = await harness.create();
  }, 120_000);

  afterAll(async () => {
    await harness?.dispose();
  }, 60_000);

  it('should migrate from empty to the latest version and make a re-run a no-op', async () => {
    const latest = harness.latest;
    expect(latest).toEqual([1, 2]);
    expect(await harness.migrations(store)).toEqual(latest);
    await store.open(); // same instance: no-op
    const again = await harness.create();
    expect(await harness.migrations(again)).toEqual(latest);
    await again.close();
    await again.open(); // re-open the same database: migrations already applied
    expect(await harness.migrations(again)).toEqual(latest);
  });

  it('should create, then report unchanged, then relabel the same text by content hash', async () => {
    const created = await store.upsert({
      text: 'WIN a  FREE cruise\nnow',
      label: 'spam',
      channel: 'sms',
      requestId: 'r-1',
    });
    expect(created.outcome).toBe('created');
    expect(created.record).toMatchObject({ label: 'spam', channel: 'sms', requestId: 'r-1', relabelCount: 0 });
    expect(created.record.contentHash).toBe(feedbackContentHash('WIN a FREE cruise now'));

    const unchanged = await store.upsert({ text: '  WIN a FREE cruise now ', label: 'spam' });
    expect(unchanged.outcome).toBe('unchanged');
    expect(unchanged.record.id).toBe(created.record.id);
    expect(unchanged.record.labelledAt).toEqual(created.record.labelledAt);

    const relabelled = await store.upsert({ text: 'WIN a FREE cruise now', label: 'not_spam', source: 'web' });
    expect(relabelled.outcome).toBe('relabelled');
    expect(relabelled.record).toMatchObject({
      id: created.record.id,
      label: 'not_spam',
      relabelCount: 1,
      source: 'web',
      channel: 'sms',
    });
    expect(relabelled.record.labelledAt.getTime()).toBeGreaterThanOrEqual(created.record.labelledAt.getTime());
    expect((await store.get(created.record.id))?.label).toBe('not_spam');
  });

  it('should keep case apart: different text, different rows', async () => {
    const a = await store.upsert({ text: 'Case Matters', label: 'spam' });
    const b = await store.upsert({ text: 'case matters', label: 'spam' });
    expect(a.record.id).not.toBe(b.record.id);
  });

  it('should delete by id (unlearn) and answer false for an unknown or malformed id', async () => {
    const { record } = await store.upsert({ text: 'delete me please', label: 'spam' });
    expect(await store.delete(record.id)).toBe(true);
    expect(await store.get(record.id)).toBeUndefined();
    expect(await store.delete(record.id)).toBe(false);
    expect(await store.delete('not-a-uuid')).toBe(false);
    expect(await store.get('not-a-uuid')).toBeUndefined();
  });

  it('should list paginated, newest label first, filtered by label and date range', async () => {
    const fresh = await harness.create();
    for (let i = 0; i < 7; i++) {
      await fresh.upsert({ text: `message ${i}`, label: i % 2 === 0 ? 'spam' : 'not_spam' });
      await new Promise((r) => setTimeout(r, 3)); // distinct label times, so date bounds split them
    }
    const all = await fresh.list({ limit: 3, offset: 0 });
    expect(all.total).toBe(7);
    expect(all.items.map((r) => r.text)).toEqual(['message 6', 'message 5', 'message 4']);
    const page3 = await fresh.list({ limit: 3, offset: 6 });
    expect(page3.items.map((r) => r.text)).toEqual(['message 0']);

    const spam = await fresh.list({ label: 'spam', limit: 10, offset: 0 });
    expect(spam.total).toBe(4);
    expect(spam.items.every((r) => r.label === 'spam')).toBe(true);

    const third = (await fresh.list({ limit: 10, offset: 0 })).items.find((r) => r.text === 'message 2')!;
    const fromThird = await fresh.list({ from: third.labelledAt, limit: 10, offset: 0 });
    expect(fromThird.items.map((r) => r.text).sort()).toEqual([
      'message 2',
      'message 3',
      'message 4',
      'message 5',
      'message 6',
    ]);
    const beforeThird = await fresh.list({ to: third.labelledAt, limit: 10, offset: 0 });
    expect(beforeThird.items.map((r) => r.text).sort()).toEqual(['message 0', 'message 1']);
    const spamWindow = await fresh.list({
      label: 'spam',
      from: third.labelledAt,
      to: new Date(Date.now() + 60_000),
      limit: 10,
      offset: 0,
    });
    expect(spamWindow.items.map((r) => r.text).sort()).toEqual(['message 2', 'message 4', 'message 6']);
    await fresh.close();
  });

  it('should count labels given since the last succeeded run and keep run records', async () => {
    const fresh = await harness.create();
    await fresh.upsert({ text: 'one', label: 'spam' });
    await fresh.upsert({ text: 'two', label: 'not_spam' });
    expect(await fresh.countNewSinceLastRun()).toBe(2);

    await new Promise((r) => setTimeout(r, 3));
    const snapshot = await fresh.snapshot();
    expect(snapshot.rows.map((r) => r.text).sort()).toEqual(['one', 'two']);
    const before = await fresh.snapshot(new Date(0)); // a Job reading what the leader's snapshot saw
    expect(before).toEqual({ rows: [], takenAt: new Date(0) });
    const run = await fresh.createRun({ id: 'run-1', trigger: 'api', forced: false, mode: 'worker' });
    expect(run).toMatchObject({ id: 'run-1', state: 'queued', progress: 0, result: null });

    // a failed run does not move the cutoff
    await fresh.updateRun('run-1', {
      state: 'failed',
      feedbackCutoff: snapshot.takenAt,
      reason: 'boom',
      finishedAt: new Date(),
    });
    expect(await fresh.countNewSinceLastRun()).toBe(2);

    await fresh.createRun({ id: 'run-2', trigger: 'cron', forced: true, mode: 'job' });
    const done = await fresh.updateRun('run-2', {
      state: 'succeeded',
      feedbackCutoff: snapshot.takenAt,
      feedbackRows: 2,
      progress: 1,
      stage: 'done',
      result: { promoted: true, version: 'v1' },
      finishedAt: new Date(),
    });
    expect(done).toMatchObject({ state: 'succeeded', feedbackRows: 2, result: { promoted: true, version: 'v1' } });
    expect(await fresh.countNewSinceLastRun()).toBe(0);

    await fresh.upsert({ text: 'one', label: 'not_spam' }); // relabel counts as a new label
    await fresh.upsert({ text: 'three', label: 'spam' });
    await fresh.upsert({ text: 'two', label: 'not_spam' }); // unchanged does not
    expect(await fresh.countNewSinceLastRun()).toBe(2);

    expect((await fresh.getRun('run-1'))?.reason).toBe('boom');
    expect(await fresh.getRun('nope')).toBeUndefined();
    expect(await fresh.updateRun('nope', { state: 'failed' })).toBeUndefined();
    expect((await fresh.listRuns(10)).map((r) => r.id)).toEqual(['run-2', 'run-1']);
    expect((await fresh.listRuns(1, 1)).map((r) => r.id)).toEqual(['run-1']);
    expect(await fresh.countRuns()).toBe(2);
    await fresh.close();
  });

  it('should give an empty snapshot with its instant when there is no feedback', async () => {
    const fresh = await harness.create();
    await new Promise((r) => setTimeout(r, 3));
    const snapshot = await fresh.snapshot();
    expect(snapshot.rows).toEqual([]);
    expect(snapshot.takenAt).toBeInstanceOf(Date);
    await fresh.close();
  });
});

describe(`${PostgresFeedbackStore.name} credential rotation`, () => {
  let server: PostgresServer;

  beforeAll(async () => {
    server = await startPostgresServer();
  }, 120_000);

  afterAll(async () => {
    await server?.stop();
  }, 60_000);

  it('should swap to a new pool when DATABASE_USERNAME/PASSWORD rotate, failing no query under load', async () => {
    const url = await server.createDatabase('rotating', 'app_v1', 'secret-v1');
    await server.sql(`CREATE ROLE app_v2 LOGIN PASSWORD 'secret-v2' IN ROLE app_v1`);
    await server.sql('GRANT ALL ON SCHEMA public TO app_v2', 'rotating');
    const secrets = new SecretsService({ DATABASE_URL: url });
    const store = new PostgresFeedbackStore(secrets, { max: 4 });
    await store.open();
    await server.sql(
      'SET ROLE app_v1; GRANT ALL ON ALL TABLES IN SCHEMA public TO app_v2; GRANT ALL ON ALL SEQUENCES IN SCHEMA public TO app_v2',
      'rotating',
    );
    expect(store.poolGeneration).toBe(1);

    let failures = 0;
    let done = 0;
    let stop = false;
    const load = Array.from({ length: 4 }, async (_, worker) => {
      for (let i = 0; !stop; i++) {
        try {
          await store.upsert({ text: `load ${worker} ${i}`, label: 'spam' });
          done += 1;
        } catch {
          failures += 1;
        }
      }
    });
    await new Promise((r) => setTimeout(r, 300));
    secrets.set('DATABASE_USERNAME', 'app_v2');
    secrets.set('DATABASE_PASSWORD', 'secret-v2');
    await new Promise((r) => setTimeout(r, 300));
    // the old credentials stop working, as a revoked Vault lease would make them
    await server.sql(`ALTER ROLE app_v1 PASSWORD 'revoked'`);
    await new Promise((r) => setTimeout(r, 300));
    stop = true;
    await Promise.all(load);

    expect(failures).toBe(0);
    expect(done).toBeGreaterThan(0);
    expect(store.poolGeneration).toBe(3); // one pool per changed secret
    const { record } = await store.upsert({ text: 'after rotation', label: 'not_spam' });
    expect(record.label).toBe('not_spam');
    await store.close();
  }, 60_000);
});
