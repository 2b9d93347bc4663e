import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { typescriptBootstrap } from '../src/engine/runtime/typescript-entry';
import { SqliteFeedbackStore } from '../src/feedback/sqlite-feedback.store';

jest.setTimeout(120_000);

const ROOT = resolve(__dirname, '..');
const WRITER = join(__dirname, 'fixtures/feedback/sqlite-writer.ts');
const TS_ENTRY = typescriptBootstrap('process.argv[1]');

/** `test/fixtures/feedback/sqlite-writer.ts` in its own process, from its TypeScript source. */
function writer(args: readonly string[]): ChildProcessWithoutNullStreams {
  return spawn(process.execPath, ['-e', TS_ENTRY, WRITER, ...args], { cwd: ROOT, env: process.env });
}

interface Finished {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

function finished(child: ChildProcessWithoutNullStreams): Promise<Finished> {
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((done, fail) => {
    child.on('error', fail);
    child.on('close', (code, signal) => done({ code, signal, stdout, stderr }));
  });
}

function printed(child: ChildProcessWithoutNullStreams, line: string): Promise<void> {
  return new Promise((done) => {
    let seen = '';
    const listen = (chunk: Buffer) => {
      seen += chunk.toString();
      if (seen.split('\n').includes(line)) {
        child.stdout.off('data', listen);
        done();
      }
    };
    child.stdout.on('data', listen);
  });
}

describe(`${SqliteFeedbackStore.name} shared by processes`, () => {
  let dir: string;
  let file: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'feedback-sqlite-'));
    file = join(dir, 'var', 'feedback.sqlite');
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('should let two processes label at once with no lost write and no "database is locked"', async () => {
    const count = 300;
    const startAt = String(Date.now() + 2500); // both have compiled and opened the file by then
    const [one, two] = await Promise.all(
      ['one', 'two'].map((tag) => finished(writer(['burst', file, tag, String(count), startAt]))),
    );
    const [a, b] = [one, two].map((run) => JSON.parse(run.stdout) as { began: number; ended: number });
    expect(a.began < b.ended && b.began < a.ended).toBe(true); // the two wrote at the same time
    for (const run of [one, two]) {
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      expect(JSON.parse(run.stdout)).toMatchObject({
        outcomes: { created: count, relabelled: count / 10 },
        errors: [],
      });
    }

    const db = new DatabaseSync(file, { readOnly: true });
    try {
      expect(db.prepare('PRAGMA journal_mode').get()).toEqual({ journal_mode: 'wal' });
      const rows = db.prepare('SELECT source, label, count(*) AS n FROM feedback GROUP BY source, label').all();
      expect(rows).toEqual(
        expect.arrayContaining([
          { source: 'one', label: 'spam', n: count - count / 10 },
          { source: 'one', label: 'not_spam', n: count / 10 },
          { source: 'two', label: 'spam', n: count - count / 10 },
          { source: 'two', label: 'not_spam', n: count / 10 },
        ]),
      );
      // Every label (new or relabel) got its own place in the order, across both processes.
      expect(db.prepare('SELECT count(DISTINCT label_seq) AS n, max(label_seq) AS top FROM feedback').get()).toEqual({
        n: 2 * count,
        top: 2 * count + (2 * count) / 10,
      });
      expect(db.prepare('SELECT version FROM schema_migrations ORDER BY version').all()).toEqual([
        { version: 1 },
        { version: 2 },
      ]);
    } finally {
      db.close();
    }
  });

  it('should open the file while another process writes to it, and again right after that process stops', async () => {
    const previous = writer(['hold', file, 'previous']);
    const previousDone = finished(previous);
    await printed(previous, 'ready');

    // The next service starting while the previous one still drains: no "already served" refusal, no wait.
    const next = new SqliteFeedbackStore(file);
    await next.open();
    expect((await next.upsert({ text: 'labelled while the previous one runs', label: 'spam' })).outcome).toBe(
      'created',
    );

    previous.kill('SIGTERM');
    const stopped = await previousDone;
    expect(stopped.stderr).toBe('');
    expect(stopped.code).toBe(0);
    const { written } = JSON.parse(stopped.stdout.split('\n').filter(Boolean).pop()!) as { written: number };
    expect(written).toBeGreaterThan(0);
    await next.close();

    const reopened = new SqliteFeedbackStore(file);
    await reopened.open();
    try {
      const rows = (await reopened.snapshot()).rows;
      expect(rows.filter((r) => r.text.startsWith('previous message '))).toHaveLength(written);
      expect(rows.some((r) => r.text === 'labelled while the previous one runs')).toBe(true);
    } finally {
      await reopened.close();
    }
  });

  it('should open a file whose last writer was killed mid-work, with every committed label kept', async () => {
    const killed = writer(['hold', file, 'killed']);
    const killedDone = finished(killed);
    await printed(killed, 'ready');
    await new Promise((r) => setTimeout(r, 300));
    killed.kill('SIGKILL');
    expect((await killedDone).signal).toBe('SIGKILL');

    const store = new SqliteFeedbackStore(file);
    await store.open();
    try {
      const texts = (await store.snapshot()).rows.map((r) => r.text);
      expect(texts.length).toBeGreaterThan(0);
      // Committed in order: the labels kept are exactly the first n the writer gave.
      const kept = new Set(texts);
      for (let i = 0; i < texts.length; i++) expect(kept.has(`killed message ${i}`)).toBe(true);
      expect((await store.upsert({ text: 'after the crash', label: 'not_spam' })).outcome).toBe('created');
    } finally {
      await store.close();
    }
  });
});
