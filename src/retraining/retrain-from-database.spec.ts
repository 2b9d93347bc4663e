import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openFeedbackStoreFromEnvironment, retrainFromDatabase } from './retrain-from-database';
import { FEEDBACK_HOLDOUT_SET } from './retrain-task';

describe(retrainFromDatabase.name, () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'retrain-db-'));
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('should train from the corpora and the feedback the store held before the cutoff, as a training Job does', async () => {
    const env = {
      FEEDBACK_DB_DIR: join(dir, 'db'),
      SPAM_DATA_DIR: '/work/shared/data',
      FEEDBACK_HOLDOUT_FRACTION: '0',
    };
    const store = await openFeedbackStoreFromEnvironment(env);
    await store.upsert({ text: 'feedback before the cutoff, clearly spam, win cash now', label: 'spam' });
    await new Promise((r) => setTimeout(r, 5));
    const cutoff = new Date();
    await new Promise((r) => setTimeout(r, 5));
    await store.upsert({ text: 'feedback after the cutoff', label: 'not_spam' });
    await store.close();

    const result = await retrainFromDatabase({
      runId: 'job-run',
      outDir: join(dir, 'out'),
      feedbackUntil: cutoff,
      data: 'sms',
      algorithm: 'naive_bayes',
      cvFolds: 0,
      env,
    });
    expect(result.feedbackRows).toBe(1);
    expect(Object.keys(result.evaluation)).toEqual(['sms']);
    expect(result.evaluation[FEEDBACK_HOLDOUT_SET]).toBeUndefined();
    expect(result.artifactPath).toBe(join(dir, 'out', 'model.json'));
  }, 120_000);
});
