import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSmsCorpus } from '../training/datasets/corpora';
import { resolveDataDir } from '../training/datasets/data-dir';
import { feedbackContentHash } from '../feedback/feedback-text';
import { FEEDBACK_HOLDOUT_SET, runRetrainTask } from './retrain-task';
import type { FeedbackRow, RetrainTask } from './retrain-task.types';

const row = (text: string, label: 0 | 1): FeedbackRow => ({ text, label, contentHash: feedbackContentHash(text) });

describe(runRetrainTask.name, () => {
  let outDir: string;

  beforeAll(async () => {
    outDir = await mkdtemp(join(tmpdir(), 'retrain-task-'));
  });

  afterAll(async () => {
    await rm(outDir, { recursive: true, force: true });
  });

  it('should train on corpus + feedback, let feedback override a corpus label, never train on a fixed test row', async () => {
    const sms = await loadSmsCorpus(resolveDataDir());
    const counts = new Map<string, number>();
    for (const r of sms.rows) counts.set(r.text, (counts.get(r.text) ?? 0) + 1);
    const relabelled = sms.train.find((r) => r.label === 0 && counts.get(r.text) === 1)!;
    const testRow = sms.test.find((r) => counts.get(r.text) === 1)!;
    const task: RetrainTask = {
      runId: 'unit',
      dataDir: resolveDataDir(),
      outDir,
      feedbackTrain: [
        row(relabelled.text, 1),
        row(testRow.text, (1 - testRow.label) as 0 | 1),
        row('a brand new message from feedback', 1),
      ],
      feedbackHoldout: [row('held out feedback message', 0)],
      feedbackWeight: 3,
      data: 'sms',
      algorithm: 'naive_bayes',
      cvFolds: 0,
    };
    const stages: string[] = [];
    const result = await runRetrainTask(task, (_p, stage) => stages.push(stage));
    // the relabelled corpus row is replaced by its feedback; the test-row feedback is dropped; the new one added
    expect(result.feedbackRows).toBe(2);
    expect(result.trainingRows).toBe(sms.train.length - 1 + 2);
    expect(Object.keys(result.evaluation).sort()).toEqual([FEEDBACK_HOLDOUT_SET, 'sms']);
    expect(result.evaluation.sms.n).toBe(sms.test.length);
    expect(result.evaluation[FEEDBACK_HOLDOUT_SET].n).toBe(1);
    expect(result).toMatchObject({
      algorithm: 'naive_bayes',
      primaryEvaluation: 'sms',
      params: { feedback_weight: 3, n_train_feedback: 2 },
    });
    expect(result.artifactPath).toBe(join(outDir, 'model.json'));
    expect(stages[0]).toBe('loading corpora');
  }, 120_000);
});
