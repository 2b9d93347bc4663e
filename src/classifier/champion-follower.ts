import {
  Inject,
  Injectable,
  Logger,
  Optional,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ArtifactCodec } from './model-artifact.port';
import { ModelHolder, type PreparedModel } from './model-holder.service';
import { ModelLoader } from './model-loader.service';
import { ReadinessRegistry } from '../health/readiness.registry';
import { writeFileAtomic } from '../mlflow/atomic-file';
import { mlflowConfig, type MlflowConfig } from '../mlflow/config/mlflow.config';
import { CHAMPION_ALIAS } from '../mlflow/promotion';
import { RunPublisher } from '../mlflow/publish-run';
import { MODEL_FILE } from '../engine';
import { TrackingStore, type ModelVersionRecord } from '../mlflow/tracking-store';

export interface FollowerState {
  /** `spam-classifier@champion`. */
  following: string;
  store: string;
  /** Registry version now serving (from the registry or, for MLflow, from the local copy). */
  version?: string;
  artifactVersion?: string;
  source?: string;
  fromLocalCopy: boolean;
  lastCheckAt?: string;
  lastSuccessAt?: string;
  /** Set while the last check failed; the last good model keeps serving. */
  lastError?: string;
  consecutiveFailures: number;
}

interface CacheMeta {
  modelName: string;
  version: string;
  source: string;
  runId?: string;
  checksum: string;
  savedAt: string;
}

/**
 * Makes the service follow the registry, MLflow or the local one alike: after the model folder's start-up load, it
 * loads the `champion` version (checksum verified), polls the alias and swaps atomically when it moves, so `models
 * promote` and `rollback` act on a running service. When the registry names no champion, the model that serves is
 * registered and made champion (the default model at the first start), so the registry always says what serves.
 * With MLflow it keeps a local copy so a restart works while MLflow is down. On any failure the last good model
 * keeps serving; the state shows it (readiness details) and a warning is logged.
 */
@Injectable()
export class ChampionFollower implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(ChampionFollower.name);
  private timer: NodeJS.Timeout | undefined;
  private polling: Promise<FollowerState> | undefined;
  private stopped = false;
  private unregister: (() => void) | undefined;
  private started: Promise<FollowerState> | undefined;
  private readonly current: FollowerState;

  constructor(
    @Inject(mlflowConfig.KEY) private readonly config: MlflowConfig,
    private readonly store: TrackingStore,
    private readonly holder: ModelHolder,
    // Kept in the signature for existing callers; artifacts are verified and built by the holder's codec.
    _codec: ArtifactCodec,
    @Optional() private readonly loader?: ModelLoader,
    @Optional() private readonly readiness?: ReadinessRegistry,
    @Optional() private readonly publisher?: RunPublisher,
  ) {
    this.current = {
      following: `${config.modelName}@${CHAMPION_ALIAS}`,
      store: `${store.kind} ${store.location}`,
      fromLocalCopy: false,
      consecutiveFailures: 0,
    };
  }

  state(): FollowerState {
    return { ...this.current };
  }

  /**
   * Starts following without holding the server's start (the model folder may be training its first model): the
   * service stays unready until the first check of the registry has settled what serves.
   */
  onApplicationBootstrap(): void {
    this.unregister = this.readiness?.register({
      name: 'mlflow',
      required: false,
      check: () => ({ up: this.current.lastError === undefined, details: { ...this.state() } }),
    });
    const pending = this.readiness?.registerCondition({
      name: 'champion',
      state: () => ({ up: false, details: { message: `checking ${this.current.following} in the registry` } }),
    });
    this.started = this.start().finally(() => pending?.());
  }

  /** Resolves once the first check after start has finished (whether it succeeded or not). */
  async whenStarted(): Promise<FollowerState> {
    return (await this.started) ?? this.state();
  }

  async onModuleDestroy(): Promise<void> {
    await this.started;
    await this.stop();
    this.unregister?.();
    this.unregister = undefined;
  }

  /** First load (from the registry, else MLflow's local copy), then polling every MLFLOW_POLL_INTERVAL_MS. */
  async start(): Promise<FollowerState> {
    this.stopped = false;
    // The model folder's start-up load runs concurrently; the champion must land after it, not under it.
    await this.loader?.whenStarted();
    const state = await this.pollOnce();
    if (state.lastError && !state.version && this.store.kind === 'mlflow') await this.loadLocalCopy();
    this.schedule();
    return this.state();
  }

  /** Stops polling (waiting for a check in flight); the last model keeps serving. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.polling;
  }

  /** One check of the alias; swaps when it names another version. Never throws. */
  pollOnce(): Promise<FollowerState> {
    this.polling ??= this.check().finally(() => (this.polling = undefined));
    return this.polling;
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      void this.pollOnce().finally(() => this.schedule());
    }, this.config.pollIntervalMs);
    this.timer.unref();
  }

  private async check(): Promise<FollowerState> {
    this.current.lastCheckAt = new Date().toISOString();
    try {
      const champion =
        (await this.store.getVersionByAlias(this.config.modelName, CHAMPION_ALIAS)) ?? (await this.registerServing());
      if (!champion) {
        throw new Error(`${this.current.following} is not set in the registry yet`);
      }
      let saved: { bytes: Buffer; checksum: string } | undefined;
      if (champion.version !== this.current.version || this.current.fromLocalCopy) {
        if (!(await this.servesAlready(champion))) saved = await this.activate(champion);
      }
      this.succeeded();
      // After the swap and the state change, so both are seen together; a failed copy only costs the restart path.
      if (saved && this.store.kind === 'mlflow') {
        await this.saveLocalCopy(champion, saved.bytes, saved.checksum).catch((error: unknown) =>
          this.logger.warn(`could not keep a local copy of champion v${champion.version}: ${messageOf(error)}`),
        );
      }
    } catch (error) {
      this.failed(error);
    }
    return this.state();
  }

  /**
   * An empty registry: the model that serves (read again from the file the model loader read) becomes its first
   * champion. Undefined when what serves did not come from the model folder or no publisher is wired; another
   * replica's champion when it was quicker.
   */
  private async registerServing(): Promise<ModelVersionRecord | undefined> {
    const active = this.holder.active();
    const file = this.loader?.lastLoaded();
    if (!this.publisher || !active || file?.checksum !== active.artifact.checksum) return undefined;
    const bytes = await readFile(file.path).catch(() => undefined);
    if (!bytes) return undefined;
    const registration = await this.publisher.registerServing(bytes, {
      source: active.source,
      checksum: active.artifact.checksum,
    });
    if (registration) {
      this.logger.log(
        `registered the serving model ${active.artifact.metadata.version} as ${this.current.following} v${registration.version.version}`,
      );
      return registration.version;
    }
    return this.store.getVersionByAlias(this.config.modelName, CHAMPION_ALIAS);
  }

  /** True, after noting it, when the model serving now is the champion's artifact (its run's recorded checksum). */
  private async servesAlready(champion: ModelVersionRecord): Promise<boolean> {
    const active = this.holder.active();
    if (!active || !champion.runId) return false;
    const run = await this.store.getRun(champion.runId);
    if (run.tags.artifact_sha256 !== active.artifact.checksum) return false;
    const previous = this.current.version;
    Object.assign(this.current, {
      version: champion.version,
      artifactVersion: active.artifact.metadata.version,
      source: active.source,
      fromLocalCopy: false,
    });
    if (previous !== champion.version) {
      this.logger.log(
        `serving ${this.current.following} v${champion.version} (artifact ${active.artifact.metadata.version}, already loaded from ${active.source})`,
      );
    }
    return true;
  }

  private async activate(champion: ModelVersionRecord): Promise<{ bytes: Buffer; checksum: string }> {
    const bytes = await this.store.downloadModelVersionFile(champion, MODEL_FILE);
    const source = this.sourceName(champion.version);
    // Verified and built without holding the event loop for long (the heavy parts run in a worker thread).
    let prepared: PreparedModel;
    try {
      prepared = await this.holder.prepare(bytes, source);
    } catch (error) {
      throw new Error(`champion v${champion.version} refused: ${messageOf(error)}`, { cause: error });
    }
    const { artifact } = prepared;
    const same = this.holder.active()?.artifact.checksum === artifact.checksum && this.current.version !== undefined;
    if (!same) this.holder.install(prepared, source);
    const previous = this.current.version;
    Object.assign(this.current, {
      version: champion.version,
      artifactVersion: artifact.metadata.version,
      source,
      fromLocalCopy: false,
    });
    this.logger.log(
      previous === undefined || previous === champion.version
        ? `serving ${this.current.following} v${champion.version} (artifact ${artifact.metadata.version})`
        : `champion moved v${previous} → v${champion.version}: swapped to artifact ${artifact.metadata.version}`,
    );
    return { bytes, checksum: artifact.checksum };
  }

  private async loadLocalCopy(): Promise<void> {
    const dir = this.config.championCacheDir;
    let meta: CacheMeta;
    let bytes: Buffer;
    try {
      meta = JSON.parse(await readFile(join(dir, 'champion.meta.json'), 'utf8')) as CacheMeta;
      bytes = await readFile(join(dir, 'champion.json'));
    } catch {
      this.logger.warn(`no local copy of the champion in ${dir}; serving whatever the model folder provides`);
      return;
    }
    try {
      const source = `${this.sourceName(meta.version)} local copy`;
      const { artifact } = await this.holder.load(bytes, source);
      Object.assign(this.current, {
        version: meta.version,
        artifactVersion: artifact.metadata.version,
        source,
        fromLocalCopy: true,
      });
      this.logger.warn(
        `MLflow unreachable at start: serving the local copy of champion v${meta.version} saved ${meta.savedAt}`,
      );
    } catch (error) {
      this.logger.warn(`local copy of the champion in ${dir} refused: ${messageOf(error)}`);
    }
  }

  private async saveLocalCopy(champion: ModelVersionRecord, bytes: Buffer, checksum: string): Promise<void> {
    const dir = this.config.championCacheDir;
    await writeFileAtomic(join(dir, 'champion.json'), bytes);
    const meta: CacheMeta = {
      modelName: champion.name,
      version: champion.version,
      source: champion.source,
      ...(champion.runId ? { runId: champion.runId } : {}),
      checksum,
      savedAt: new Date().toISOString(),
    };
    await writeFileAtomic(join(dir, 'champion.meta.json'), `${JSON.stringify(meta, null, 2)}\n`);
  }

  private sourceName(version: string): string {
    const scheme = this.store.kind === 'mlflow' ? 'mlflow' : 'registry';
    return `${scheme}:models:/${this.config.modelName}@${CHAMPION_ALIAS} (v${version})`;
  }

  private succeeded(): void {
    if (this.current.lastError)
      this.logger.log(`registry reachable again; ${this.current.following} v${this.current.version}`);
    this.current.lastSuccessAt = new Date().toISOString();
    this.current.lastError = undefined;
    this.current.consecutiveFailures = 0;
  }

  private failed(error: unknown): void {
    const message = messageOf(error);
    this.current.consecutiveFailures++;
    if (this.current.lastError !== message || this.current.consecutiveFailures === 1) {
      const serving = this.holder.active();
      this.logger.warn(
        `following ${this.current.following} failed: ${message}; keeping ${serving ? `model ${serving.artifact.metadata.version} from ${serving.source}` : 'no model'}`,
      );
    }
    this.current.lastError = message;
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
