import { loadCorpora } from '../training/datasets/corpora';
import type { LabelledText } from '../training/datasets/labelled-text';
import { feedbackContentHash } from '../feedback/feedback-text';
import { trainModel, type TrainingAlgorithm } from '../training/trainer';
import type { ProgressListener, RetrainTask, RetrainTaskResult } from './retrain-task.types';

/** The evaluation set made of the held-out slice of the feedback. */
export const FEEDBACK_HOLDOUT_SET = 'feedback_holdout';
export const FEEDBACK_SOURCE = 'feedback';

/**
 * One retraining run (executed in a worker thread): the base corpora's training rows plus the feedback, with the
 * feedback's label winning over a corpus row with the same text (relearn); evaluated on each corpus's fixed
 * held-out rows (unchanged, so the quality gate compares like with like) and on the held-out feedback slice.
 * Feedback matching a fixed held-out row is not trained on, so no test row leaks into training.
 */
export async function runRetrainTask(task: RetrainTask, onProgress: ProgressListener): Promise<RetrainTaskResult> {
  onProgress(0, 'loading corpora');
  const corpora = await loadCorpora(task.data, task.dataDir);
  const heldOutHashes = new Set<string>();
  for (const corpus of corpora) for (const row of corpus.test) heldOutHashes.add(feedbackContentHash(row.text));
  const feedbackHashes = new Set(task.feedbackTrain.map((row) => row.contentHash));

  const train: LabelledText[] = [];
  for (const corpus of corpora) {
    for (const row of corpus.train) if (!feedbackHashes.has(feedbackContentHash(row.text))) train.push(row);
  }
  const feedbackUsed = task.feedbackTrain.filter((row) => !heldOutHashes.has(row.contentHash));
  for (const row of feedbackUsed)
    train.push({ text: row.text, label: row.label, source: FEEDBACK_SOURCE, weight: task.feedbackWeight });

  const evaluationSets: Record<string, readonly LabelledText[]> = {};
  for (const corpus of corpora) evaluationSets[corpus.name] = corpus.test;
  const holdout = task.feedbackHoldout.filter((row) => !heldOutHashes.has(row.contentHash));
  if (holdout.length > 0) {
    evaluationSets[FEEDBACK_HOLDOUT_SET] = holdout.map((row) => ({
      text: row.text,
      label: row.label,
      source: FEEDBACK_SOURCE,
    }));
  }

  onProgress(0.05, `training on ${train.length} rows (${feedbackUsed.length} from feedback)`);
  const result = await trainModel({
    algorithm: task.algorithm as TrainingAlgorithm,
    train,
    evaluationSets,
    outDir: task.outDir,
    cvFolds: task.cvFolds,
    onProgress: (p) => onProgress(0.05 + 0.95 * (p.total > 0 ? p.done / p.total : 0), p.message),
  });
  return {
    artifactPath: result.artifactPath,
    artifactVersion: result.artifact.metadata.version,
    algorithm: result.artifact.metadata.algorithm,
    evaluation: result.evaluation,
    primaryEvaluation: corpora[0]?.name,
    params: { ...result.params, feedback_weight: task.feedbackWeight, n_train_feedback: feedbackUsed.length },
    cv: result.cv,
    durationMs: result.durationMs,
    reportDir: result.reportDir,
    trainingRows: train.length,
    feedbackRows: feedbackUsed.length,
  };
}
