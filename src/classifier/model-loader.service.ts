import { Inject, Injectable, Logger, Optional, type OnApplicationBootstrap } from '@nestjs/common';
import { lstat, mkdir, readdir, readFile, rename, stat } from 'node:fs/promises';
import { basename, join, relative, resolve, sep } from 'node:path';
import { readArtifactBytesIn } from '../engine';
import { ApiError } from '../http/error-response';
import { classifierConfig, type ClassifierConfig } from './config/classifier.config';
import { ArtifactCodec, DefaultModelTrainer, inspectWith, type ServedArtifact } from './model-artifact.port';
import { ModelHolder, withoutModelState, type ActiveModel, type PreparedModel } from './model-holder.service';

/** Artifact files in the model folder: what `writeArtifactFile` leaves (temp files and dot files are skipped). */
const ARTIFACT_FILE = /^[^.].*\.(json|model)$/;

/** Where artifacts refused at start are moved, inside MODEL_DIR, as `<file>.<UTC time>`. */
export const REJECTED_FOLDER = 'rejected';

export interface ArtifactEntry {
  readonly file: string;
  readonly path: string;
  readonly modifiedAt: Date;
  readonly artifact?: ServedArtifact;
  readonly error?: string;
}

/** No model could be loaded: the artifact is missing, unreadable or refused (422 when an admin reload asked for it). */
export class ModelLoadError extends ApiError {
  readonly httpStatus: number = 422;

  constructor(message: string) {
    super(message);
    this.name = 'ModelLoadError';
  }
}

/** A reload named an artifact (file name or version) that is not in MODEL_DIR. */
export class ModelNotFoundError extends ModelLoadError {
  override readonly httpStatus: number = 404;

  constructor(message: string) {
    super(message);
    this.name = 'ModelNotFoundError';
  }
}

/**
 * Puts a model into the `ModelHolder`: at start (MODEL_PATH, else the newest artifact in MODEL_DIR, else the
 * default model trained into MODEL_DIR) and on an admin reload. Loading at start runs after the server listens;
 * readiness stays false until it succeeds.
 *
 * The default model is trained only into a folder that never held an artifact: when every artifact in MODEL_DIR
 * fails verification, they are moved to MODEL_DIR/rejected/ (kept as evidence, out of the way of later writes) and
 * the start-up load fails, so readiness says why; the champion follower then serves the registry's champion if there
 * is one, and an operator decides what to do with the rejected files (their presence alone keeps the trainer off).
 */
@Injectable()
export class ModelLoader implements OnApplicationBootstrap {
  private readonly logger = new Logger(ModelLoader.name);
  private startup: Promise<void> | undefined;
  private lastFailure: string | undefined;
  private loaded: { path: string; checksum: string } | undefined;
  private readonly parsed = new Map<string, { mtimeMs: number; entry: ArtifactEntry }>();

  constructor(
    @Inject(classifierConfig.KEY) private readonly config: ClassifierConfig,
    private readonly holder: ModelHolder,
    private readonly codec: ArtifactCodec,
    @Optional() private readonly trainer?: DefaultModelTrainer,
  ) {}

  onApplicationBootstrap(): void {
    this.startup = this.loadAtStart().then(
      () => undefined,
      (error: unknown) => {
        this.lastFailure = messageOf(error);
        this.logger.error(`no model could be loaded at start: ${this.lastFailure}`);
      },
    );
  }

  /** Resolves when the start-up load has finished, whether it succeeded or not. */
  whenStarted(): Promise<void> {
    return this.startup ?? Promise.resolve();
  }

  /**
   * The file of the last successful load and the checksum of what it held, so the champion follower can register
   * the model that serves when the registry has none.
   */
  lastLoaded(): { path: string; checksum: string } | undefined {
    return this.loaded;
  }

  /** The reason the last load failed, while no later load succeeded. */
  failure(): string | undefined {
    return this.lastFailure;
  }

  async loadAtStart(): Promise<ActiveModel> {
    if (this.config.modelPath) return this.loadFile(this.config.modelPath);
    // Each artifact is verified once: the newest one's classifier, built while listing, is the one installed.
    const { entries, newest } = await this.listing(true);
    const refused: ArtifactEntry[] = [];
    for (const entry of entries) {
      if (!entry.artifact) {
        this.logger.warn(`skipping artifact ${entry.file}: ${entry.error}`);
        refused.push(entry);
        continue;
      }
      if (newest?.entry === entry) return this.install(entry.path, newest.prepared);
      return this.loadFile(entry.path);
    }
    if (refused.length > 0) throw new ModelLoadError(await this.rejectAtStart(refused));
    const earlier = await this.rejectedFiles();
    if (earlier.length > 0) {
      throw new ModelLoadError(
        `no loadable artifact in MODEL_DIR and ${earlier.length} artifact(s) refused at an earlier start in ` +
          `MODEL_DIR/${REJECTED_FOLDER}/ (${earlier.slice(0, 3).join(', ')}${earlier.length > 3 ? ', …' : ''}): ` +
          `the default model is not trained over them; put a good artifact in MODEL_DIR, or remove ` +
          `${REJECTED_FOLDER}/ to have the default model trained`,
      );
    }
    if (!this.trainer) throw new ModelLoadError('no model artifact in MODEL_DIR and no trainer to create one');
    await mkdir(this.config.modelDir, { recursive: true });
    this.logger.log(`no model artifact in ${this.config.modelDir}: training the default model`);
    const started = Date.now();
    const { artifactPath } = await this.trainer.train(this.config.modelDir);
    this.logger.log(`default model trained in ${Date.now() - started} ms: ${artifactPath}`);
    return this.loadFile(artifactPath);
  }

  /**
   * Every artifact in MODEL_DIR failed verification: each is moved to MODEL_DIR/rejected/<file>.<time> (a move, so
   * nothing written later replaces the evidence) and the reason for the refusal is returned. Names are relative to
   * MODEL_DIR and reasons never hold file content, as the message reaches readiness.
   */
  private async rejectAtStart(refused: readonly ArtifactEntry[]): Promise<string> {
    const folder = join(this.config.modelDir, REJECTED_FOLDER);
    await mkdir(folder, { recursive: true });
    const stamp = new Date()
      .toISOString()
      .replace(/[-:]/g, '')
      .replace(/\.\d{3}Z$/, 'Z');
    const reasons: string[] = [];
    for (const entry of refused) {
      const aside = `${REJECTED_FOLDER}/${entry.file}.${stamp}`;
      const moved = await rename(entry.path, join(this.config.modelDir, aside)).then(
        () => true,
        (error: unknown) => {
          this.logger.error(`could not move the refused artifact ${entry.file} aside: ${messageOf(error)}`);
          return false;
        },
      );
      this.parsed.delete(entry.path);
      if (moved) this.logger.error(`refused artifact ${entry.file} moved to ${aside}: ${entry.error}`);
      const reason = entry.error?.startsWith(`${entry.file}: `)
        ? entry.error.slice(entry.file.length + 2)
        : entry.error;
      reasons.push(`${entry.file}${moved ? ` (moved to ${aside})` : ''}: ${reason}`);
    }
    return (
      `MODEL_DIR holds ${refused.length} artifact(s) and none passes verification, so no model serves from it and ` +
      `the default model is not trained over them: ${reasons.join('; ')}`
    );
  }

  /** Files in MODEL_DIR/rejected/, oldest name first. */
  private async rejectedFiles(): Promise<string[]> {
    const files = await readdir(join(this.config.modelDir, REJECTED_FOLDER)).catch(() => [] as string[]);
    return files.filter((file) => !file.startsWith('.')).sort();
  }

  /**
   * Loads the newest artifact, or the one named by file name or version inside MODEL_DIR. A failure leaves the
   * serving model in place: `ModelNotFoundError` for an unknown name, else `ModelLoadError` saying so.
   */
  async reload(name?: string): Promise<ActiveModel> {
    try {
      return await this.loadForReload(name);
    } catch (error) {
      if (error instanceof ModelNotFoundError || !(error instanceof ModelLoadError)) throw error;
      throw new ModelLoadError(`${error.message}; the previous model keeps serving`);
    }
  }

  private async loadForReload(name: string | undefined): Promise<ActiveModel> {
    if (name === undefined || name === '') {
      if (this.config.modelPath && (await exists(this.config.modelPath))) return this.loadFile(this.config.modelPath);
      const newest = (await this.listArtifacts()).find((entry) => entry.artifact);
      if (!newest?.artifact) throw new ModelLoadError('no loadable model artifact in MODEL_DIR');
      return this.loadFile(newest.path);
    }
    const entries = await this.listArtifacts();
    const match = entries.find((entry) => entry.file === name || entry.artifact?.metadata.version === name);
    if (!match) throw new ModelNotFoundError(`no artifact named "${name}" (file name or version) in MODEL_DIR`);
    if (!match.artifact) throw new ModelLoadError(`artifact ${match.file} is not loadable: ${match.error}`);
    return this.loadFile(match.path);
  }

  /** Artifacts in MODEL_DIR, newest first; unreadable ones carry their error. */
  async listArtifacts(): Promise<ArtifactEntry[]> {
    return (await this.listing(false)).entries;
  }

  /**
   * Artifacts in MODEL_DIR, newest first. With `prepare` (the start) each artifact is verified by building its
   * classifier (`ModelHolder.prepare` checks all that `inspect` checks) and the newest one's is kept, so the
   * artifact that serves is parsed once, not listed and then loaded again (half the start's model CPU, and no
   * second parse left for the garbage collector). At most two classifiers are held while listing: the newest so far
   * and the one just built.
   */
  private async listing(prepare: boolean): Promise<Listing> {
    let files: string[];
    try {
      files = (await readdir(this.config.modelDir)).filter((file) => ARTIFACT_FILE.test(file));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { entries: [] };
      throw error;
    }
    const entries: ArtifactEntry[] = [];
    let newest: { entry: ArtifactEntry; prepared: PreparedModel } | undefined;
    for (const file of files) {
      const path = join(this.config.modelDir, file);
      // lstat: a link is listed (and refused when read), not followed; folders and devices are not artifacts.
      const info = await lstat(path).catch(() => undefined);
      if (!info || !(info.isFile() || info.isSymbolicLink())) continue;
      const cached = this.parsed.get(path);
      if (!prepare && cached && cached.mtimeMs === info.mtimeMs && info.isFile()) {
        entries.push(cached.entry);
        continue;
      }
      let entry: ArtifactEntry;
      let prepared: PreparedModel | undefined;
      try {
        const bytes = await readArtifactBytesIn(this.config.modelDir, file);
        if (prepare) prepared = await this.holder.prepare(bytes, file);
        const artifact = prepared ? withoutModelState(prepared.artifact) : await inspectWith(this.codec, bytes, file);
        entry = { file, path, modifiedAt: info.mtime, artifact };
      } catch (error) {
        entry = { file, path, modifiedAt: info.mtime, error: messageOf(error) };
      }
      this.parsed.set(path, { mtimeMs: info.mtimeMs, entry });
      entries.push(entry);
      if (prepared && (!newest || newestFirst(entry, newest.entry) < 0)) newest = { entry, prepared };
    }
    return { entries: entries.sort((a, b) => newestFirst(a, b)), newest };
  }

  private async loadFile(path: string): Promise<ActiveModel> {
    const name = this.nameOf(path);
    let bytes: Buffer;
    try {
      bytes = this.insideModelDir(path)
        ? await readArtifactBytesIn(this.config.modelDir, name)
        : await readRegularFile(path);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === undefined && error instanceof Error) throw new ModelLoadError(`model artifact ${error.message}`);
      throw new ModelLoadError(`cannot read model artifact ${name}${code ? ` (${code})` : ''}`);
    }
    // Verified and built off the event loop's critical path (ModelHolder.prepare), then swapped in.
    let prepared: PreparedModel;
    try {
      prepared = await this.holder.prepare(bytes, name);
    } catch (error) {
      throw new ModelLoadError(`model artifact ${name} refused: ${messageOf(error)}`);
    }
    return this.install(path, prepared);
  }

  /** Swaps a verified model in and notes where it came from. */
  private install(path: string, prepared: PreparedModel): ActiveModel {
    const active = this.holder.install(prepared, this.nameOf(path));
    const { artifact } = active;
    this.lastFailure = undefined;
    this.loaded = { path, checksum: artifact.checksum };
    this.logger.log(
      `model ${artifact.metadata.version} (${artifact.metadata.algorithm}) serving from ${path} (${active.loadMs.toFixed(1)} ms)`,
    );
    return active;
  }

  /**
   * How an artifact is named wherever a client may read it (model card, metrics, readiness, errors): its path inside
   * MODEL_DIR, or the file name of a MODEL_PATH elsewhere, never the server's absolute path.
   */
  private nameOf(path: string): string {
    return this.insideModelDir(path) ? relative(resolve(this.config.modelDir), resolve(path)) : basename(path);
  }

  /** The file behind a source name this loader gave (see `nameOf`), or undefined for a model from elsewhere. */
  pathOf(source: string): string | undefined {
    const { modelPath, modelDir } = this.config;
    if (modelPath && this.nameOf(modelPath) === source) return resolve(modelPath);
    const path = resolve(modelDir, source);
    return source.includes(':') || !this.insideModelDir(path) ? undefined : path;
  }

  /** True when `path` lies inside MODEL_DIR (admin reloads name files there, never elsewhere). */
  insideModelDir(path: string): boolean {
    return resolve(path).startsWith(resolve(this.config.modelDir) + sep);
  }
}

interface Listing {
  readonly entries: ArtifactEntry[];
  /** With `prepare`: the newest verified artifact and its classifier, not serving yet. */
  readonly newest?: { readonly entry: ArtifactEntry; readonly prepared: PreparedModel };
}

function newestFirst(a: ArtifactEntry, b: ArtifactEntry): number {
  const va = a.artifact?.metadata.createdAt ?? '';
  const vb = b.artifact?.metadata.createdAt ?? '';
  if (va !== vb) return va < vb ? 1 : -1;
  return b.modifiedAt.getTime() - a.modifiedAt.getTime();
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** MODEL_PATH, named by the operator, may be reached through links, but must end at a regular file. */
async function readRegularFile(path: string): Promise<Buffer> {
  if (!(await stat(path)).isFile()) {
    throw new Error(`${basename(path)}: not a regular file`);
  }
  return readFile(path);
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}
