import { readdir, readFile, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { parseArtifact } from '../engine';
import type { TrainingRunInput } from '../mlflow/run-input';
import { confusionMatrixSvg, svgToPng } from './evaluation/charts';
import type { EvaluationMetrics } from './evaluation/metrics';
import type { TrainingResult } from './trainer';

/** The parts of a training run the registry is given (a `TrainingResult`, or a retrain's plain copy of it). */
export type TrainedRun = Pick<TrainingResult, 'artifactPath' | 'evaluation' | 'durationMs'> & {
  readonly params: Readonly<Record<string, unknown>>;
  readonly cv?: TrainingResult['cv'];
  readonly reportDir?: string;
};

export interface PublishInputExtras {
  /** Added to the run's params (e.g. the retrain's run id). */
  readonly params?: Readonly<Record<string, unknown>>;
  readonly primaryEvaluation?: string;
  readonly runName?: string;
}

/**
 * What the registry logs for a trained run, built the same way for the training CLI and a retrain: the artifact file's
 * bytes, verified (a broken or tampered artifact fails here, before anything is logged), the figures per evaluation
 * set, per-fold and out-of-fold CV figures, and every file of the report folder. A run without a confusion matrix
 * chart gets one for its primary evaluation set.
 */
export async function publishInput(run: TrainedRun, extras: PublishInputExtras = {}): Promise<TrainingRunInput> {
  const artifactBytes = await readFile(run.artifactPath);
  const artifact = parseArtifact(artifactBytes, run.artifactPath);
  const reportFiles: Record<string, Buffer | string> = run.reportDir
    ? await readReportDir(run.reportDir).catch(() => ({}))
    : {};
  const primary = extras.primaryEvaluation ?? Object.keys(run.evaluation)[0];
  if (primary && !Object.keys(reportFiles).some((name) => /confusion/i.test(name))) {
    Object.assign(reportFiles, confusionMatrixFiles(run.evaluation[primary], primary));
  }
  const stats = reportFiles['training_stats.json'];
  return {
    artifactBytes,
    artifact,
    params: { ...run.params, ...extras.params },
    evaluation: run.evaluation,
    ...(extras.primaryEvaluation ? { primaryEvaluation: extras.primaryEvaluation } : {}),
    ...(run.cv ? { cvFolds: run.cv.perFold.map(figuresOf), cvSummary: figuresOf(run.cv.metrics) } : {}),
    durationMs: run.durationMs,
    reportFiles,
    ...(stats ? { trainingStats: JSON.parse(stats.toString()) as unknown } : {}),
    ...(extras.runName ? { runName: extras.runName } : {}),
  };
}

/** `confusion_matrix.svg` and `.png` of one evaluation set. */
export function confusionMatrixFiles(
  figures: Pick<EvaluationMetrics, 'tn' | 'fp' | 'fn' | 'tp'>,
  set: string,
): Record<string, Buffer | string> {
  const { tn, fp, fn, tp } = figures;
  const svg = confusionMatrixSvg(
    {
      confusionMatrix: [
        [tn, fp],
        [fn, tp],
      ],
    },
    `Confusion matrix (${set})`,
  );
  return { 'confusion_matrix.svg': svg, 'confusion_matrix.png': svgToPng(svg) };
}

/** Every file of a report folder (charts, tables), named relative to it. */
export async function readReportDir(dir: string): Promise<Record<string, Buffer>> {
  const files: Record<string, Buffer> = {};
  const walk = async (path: string): Promise<void> => {
    for (const name of await readdir(path)) {
      const full = join(path, name);
      if ((await stat(full)).isDirectory()) await walk(full);
      else files[relative(dir, full)] = await readFile(full);
    }
  };
  await walk(dir);
  return files;
}

/** The numeric figures of a fold (the confusion matrix itself is not a metric). */
function figuresOf(metrics: EvaluationMetrics): Record<string, number | null> {
  const out: Record<string, number | null> = {};
  for (const [key, value] of Object.entries(metrics)) {
    if (typeof value === 'number' || value === null) out[key] = value;
  }
  return out;
}
