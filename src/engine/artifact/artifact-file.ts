import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { mkdir, open, readFile, realpath, rename, stat, unlink } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative, sep } from 'node:path';
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

/**
 * The bytes of `name` inside `folder`, read only if it is a regular file there: not a symbolic link (the last
 * component is opened with O_NOFOLLOW, so a link swapped in after a check is refused too), not a device or folder,
 * and, with its parent folders resolved, still inside `folder`. ArtifactError names `name` and the reason only.
 */
export async function readArtifactBytesIn(folder: string, name: string): Promise<Buffer> {
  const refuse = (problem: string): never => {
    throw new ArtifactError(`${name}: ${problem}; only regular files inside the model folder are read`);
  };
  if (name === '' || isAbsolute(name) || name.split(/[\\/]/).includes('..')) refuse('not a name inside the folder');
  const path = join(folder, name);
  let handle;
  try {
    handle = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ELOOP') return refuse('a symbolic link');
    return refuse(`cannot be read (${code ?? 'error'})`);
  }
  try {
    const info = await handle.stat();
    if (!info.isFile()) refuse('not a regular file');
    const [realFolder, realFile] = await Promise.all([realpath(folder), realpath(path)]);
    const inside = relative(realFolder, realFile);
    if (inside === '' || inside.startsWith(`..${sep}`) || inside === '..' || isAbsolute(inside)) {
      refuse('outside the model folder once links in its path are resolved');
    }
    if (info.size > MAX_ARTIFACT_BYTES) {
      throw new ArtifactError(
        `${name}: ${info.size} bytes is larger than the ${MAX_ARTIFACT_BYTES}-byte limit for an artifact`,
      );
    }
    return await handle.readFile();
  } finally {
    await handle.close();
  }
}
