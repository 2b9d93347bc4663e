import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { ArtifactError } from './artifact-error';
import { type ModelArtifact, parseArtifact, serializeArtifact } from './model-artifact';

/** The artifact's file name: in a training run's output folder and in a registered model version. */
export const MODEL_FILE = 'model.json';

/** Artifacts larger than this are refused before reading (a 100k-feature model is a few MB). */
export const MAX_ARTIFACT_BYTES = 512 * 1024 * 1024;

/**
 * Writes the artifact so that `path` holds either the old file or the whole new one, never half of it: a temporary
 * file in the same folder, flushed to disk, then renamed over `path`.
 */
export async function writeArtifactFile(path: string, artifact: ModelArtifact): Promise<void> {
  const bytes = serializeArtifact(artifact);
  await mkdir(dirname(path), { recursive: true });
  const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  const file = await open(temporary, 'wx', 0o644);
  try {
    try {
      await file.writeFile(bytes, 'utf8');
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(temporary, path);
  } catch (error) {
    await unlink(temporary).catch(() => undefined);
    throw error;
  }
}

/** Reads and fully checks an artifact file; ArtifactError names the file and the problem. */
export async function readArtifactFile(path: string): Promise<ModelArtifact> {
  let size: number;
  try {
    size = (await stat(path)).size;
  } catch (error) {
    throw new ArtifactError(
      `${path}: cannot read the artifact (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
    );
  }
  if (size > MAX_ARTIFACT_BYTES) {
    throw new ArtifactError(
      `${path}: ${size} bytes is larger than the ${MAX_ARTIFACT_BYTES}-byte limit for an artifact`,
    );
  }
  return parseArtifact(await readFile(path), path);
}
