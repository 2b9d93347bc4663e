import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { inspectArtifactAsync, type ArtifactHeader } from '../engine';
import { scoresOf, type ServingBaseline } from './promotion';
import type { EvaluationFigures, TrainingRunInput } from './run-input';

/** Artifact files in a model folder, as serving lists them (temp files and dot files skipped). */
const ARTIFACT_FILE = /^[^.].*\.(json|model)$/;

const FIGURES = ['accuracy', 'precision', 'recall', 'f1', 'mcc', 'tp', 'fp', 'tn', 'fn'] as const;

/**
 * The figures per evaluation set an artifact records (`metadata.metrics.evaluation`, as the trainer writes them);
 * sets missing a figure are left out.
 */
export function artifactEvaluation(metrics: unknown): Record<string, EvaluationFigures> {
  const evaluation = (metrics as { evaluation?: unknown } | undefined)?.evaluation;
  if (!evaluation || typeof evaluation !== 'object') return {};
  const out: Record<string, EvaluationFigures> = {};
  for (const [set, value] of Object.entries(evaluation as Record<string, unknown>)) {
    const figures = value as Record<string, unknown> | null;
    if (!figures || FIGURES.some((name) => typeof figures[name] !== 'number')) continue;
    const number = (name: string): number => figures[name] as number;
    out[set] = {
      ...(typeof figures.n === 'number' ? { n: figures.n } : {}),
      accuracy: number('accuracy'),
      precision: number('precision'),
      recall: number('recall'),
      f1: number('f1'),
      mcc: number('mcc'),
      rocAuc: typeof figures.rocAuc === 'number' ? figures.rocAuc : null,
      tp: number('tp'),
      fp: number('fp'),
      tn: number('tn'),
      fn: number('fn'),
      ...(typeof figures.threshold === 'number' ? { threshold: figures.threshold } : {}),
    };
  }
  return out;
}

/**
 * A run input for a model that serves without having been published (the default model trained at the first start,
 * a model copied into the model folder): the artifact's bytes, verified, and the figures it records, so the gate can
 * later compare candidates with it. There is no training time to log.
 */
export async function servingRunInput(bytes: Buffer, source: string): Promise<TrainingRunInput> {
  const artifact = await inspectArtifactAsync(bytes, source);
  const { metadata } = artifact;
  return {
    artifactBytes: bytes,
    artifact,
    params: {
      registered_from: 'serving',
      n_features: metadata.nFeatures,
      vectorizer: metadata.vectorizerConfig,
      hyperparameters: metadata.modelParams,
    },
    evaluation: artifactEvaluation(metadata.metrics),
    durationMs: 0,
    runName: `serving-${metadata.version}`,
  };
}

/** The gate's baseline for an artifact that serves: its recorded figures. */
export function servingBaseline(artifact: Pick<ArtifactHeader, 'metadata'>): ServingBaseline {
  return {
    label: `the serving model ${artifact.metadata.version}`,
    scores: scoresOf(artifactEvaluation(artifact.metadata.metrics)),
  };
}

/**
 * What a service started with this model folder serves when the registry names no champion: MODEL_PATH, else the
 * newest loadable artifact in MODEL_DIR (newest `createdAt`, as serving picks it). Undefined when there is none.
 */
export async function modelFolderBaseline(folder: {
  modelPath: string | undefined;
  modelDir: string;
}): Promise<ServingBaseline | undefined> {
  const candidates = folder.modelPath
    ? [folder.modelPath]
    : (await readdir(folder.modelDir).catch(() => [] as string[]))
        .filter((file) => ARTIFACT_FILE.test(file))
        .map((file) => join(folder.modelDir, file));
  let newest: ArtifactHeader | undefined;
  for (const path of candidates) {
    if (!(await stat(path).catch(() => undefined))?.isFile()) continue;
    const header = await readFile(path)
      .then((bytes) => inspectArtifactAsync(bytes, path))
      .catch(() => undefined);
    if (header && (!newest || header.metadata.createdAt > newest.metadata.createdAt)) newest = header;
  }
  return newest ? servingBaseline(newest) : undefined;
}
