import {
  ConflictException,
  Inject,
  Injectable,
  Logger,
  NotFoundException,
  Optional,
  ServiceUnavailableException,
} from '@nestjs/common';
import type { BeforeApplicationShutdown, OnApplicationBootstrap } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { CronJob } from 'cron';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { isRecord } from '../engine';
import { resolveDataDir } from '../training/datasets/data-dir';
import { retrainingConfig, type RetrainingConfig } from './config/retraining.config';
import { FeedbackStore } from '../feedback/feedback.store';
import { feedbackLabelToClass, type TrainingRunRecord } from '../feedback/feedback.types';
import { Leadership } from './lease-leader-election';
import { RetrainPublisher } from './retrain-publisher';
import type { FeedbackRow, RetrainTask } from './retrain-task.types';
import { TrainingRunner } from './training-runner';

export const RETRAIN_CRON_JOB = 'retrain';

export type RunRequestOutcome =
  | { readonly started: true; readonly run: TrainingRunRecord }
  | { readonly started: false; readonly newLabels: number; readonly needed: number; readonly reason: string };

/** 503: this replica does not hold the training lease. */
export class NotLeaderException extends ServiceUnavailableException {}

/**
 * Retraining: decides whether a run is due (new labels since the last succeeded run, unless forced), runs one at a
 * time on the leader only, and records state, progress and outcome in the feedback store's run table. Training
 * data = base corpora + feedback; the publisher logs, gates and (only on promotion) swaps the serving model, so a
 * failed run changes neither the serving model nor the feedback.
 */
@Injectable()
export class RetrainingService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(RetrainingService.name);
  private current: { id: string; abort: AbortController; done: Promise<void> } | undefined;
  private lastProgressWrite = 0;

  constructor(
    private readonly store: FeedbackStore,
    private readonly leadership: Leadership,
    private readonly runner: TrainingRunner,
    private readonly publisher: RetrainPublisher,
    @Inject(retrainingConfig.KEY) private readonly config: RetrainingConfig,
    @Optional() private readonly scheduler?: SchedulerRegistry,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.leadership.start();
    if (this.leadership.isLeader()) await this.failInterruptedRuns();
    this.leadership.onChange((state) => {
      if (state.isLeader) void this.failInterruptedRuns();
    });
    if (this.config.retrainCron && this.scheduler) {
      const job = CronJob.from({
        cronTime: this.config.retrainCron,
        onTick: () => void this.onCronTick(),
        start: true,
      });
      this.scheduler.addCronJob(RETRAIN_CRON_JOB, job);
      this.logger.log(`retraining scheduled: RETRAIN_CRON="${this.config.retrainCron}" (leader only)`);
    }
  }

  /** Before the store closes: stop the cron, stop a run (recorded as failed), release the lease. */
  async beforeApplicationShutdown(): Promise<void> {
    if (this.scheduler?.doesExist('cron', RETRAIN_CRON_JOB)) this.scheduler.deleteCronJob(RETRAIN_CRON_JOB);
    const running = this.current;
    if (running) {
      running.abort.abort(new Error('the service is shutting down'));
      await running.done;
    }
    await this.leadership.stop();
  }

  /** Runs when forced or when enough new labels arrived; 409 while a run is going, 503 on a non-leader. */
  async requestRun(options: { force: boolean; trigger: 'api' | 'cron' }): Promise<RunRequestOutcome> {
    const leadership = this.leadership.state();
    if (!leadership.isLeader) {
      throw new NotLeaderException(
        `this replica (${leadership.identity}) does not train: ${leadership.leader ? `${leadership.leader} holds the training lease` : 'no replica holds the training lease right now'}; nothing was started, send the request again`,
      );
    }
    if (this.current) throw new ConflictException(`training run ${this.current.id} is running`);
    const newLabels = await this.store.countNewSinceLastRun();
    const needed = this.config.retrainMinNewFeedback;
    if (!options.force && newLabels < needed) {
      return { started: false, newLabels, needed, reason: `skipped: ${newLabels} new labels, ${needed} needed` };
    }
    const started = this.current as { id: string } | undefined; // another request may have started one meanwhile
    if (started) throw new ConflictException(`training run ${started.id} is running`);
    const id = newRunId();
    const abort = new AbortController();
    const slot = { id, abort, done: Promise.resolve() };
    this.current = slot;
    let run: TrainingRunRecord;
    try {
      run = await this.store.createRun({ id, trigger: options.trigger, forced: options.force, mode: this.runner.mode });
    } catch (error) {
      this.current = undefined;
      throw error;
    }
    slot.done = this.execute(run, abort.signal).finally(() => {
      if (this.current === slot) this.current = undefined;
    });
    return { started: true, run };
  }

  async getRun(id: string): Promise<TrainingRunRecord> {
    const run = await this.store.getRun(id);
    if (!run) throw new NotFoundException(`training run ${id} not found`);
    return run;
  }

  listRuns(limit: number, offset = 0): Promise<readonly TrainingRunRecord[]> {
    return this.store.listRuns(limit, offset);
  }

  /** One page of runs, newest first, with the number of runs in all. */
  async pageOfRuns(
    limit: number,
    offset: number,
  ): Promise<{ items: readonly TrainingRunRecord[]; total: number; limit: number; offset: number }> {
    const [items, total] = await Promise.all([this.store.listRuns(limit, offset), this.store.countRuns()]);
    return { items, total, limit, offset };
  }

  /** The id of the run going on in this replica, if any. */
  runningId(): string | undefined {
    return this.current?.id;
  }

  /** Resolves when the run going on (if any) has finished; for shutdown and tests. */
  async idle(): Promise<void> {
    await this.current?.done;
  }

  private async onCronTick(): Promise<void> {
    if (!this.leadership.isLeader()) return;
    try {
      const outcome = await this.requestRun({ force: false, trigger: 'cron' });
      this.logger.log(
        outcome.started ? `scheduled retrain ${outcome.run.id} started` : `scheduled retrain ${outcome.reason}`,
      );
    } catch (error) {
      this.logger.warn(`scheduled retrain not started: ${(error as Error).message}`);
    }
  }

  private async execute(run: TrainingRunRecord, signal: AbortSignal): Promise<void> {
    const timeout = setTimeout(
      () => this.current?.abort.abort(new Error(`timed out after ${this.config.timeoutMs} ms (TRAINING_TIMEOUT_MS)`)),
      this.config.timeoutMs,
    );
    try {
      await this.store.updateRun(run.id, {
        state: 'running',
        startedAt: new Date(),
        stage: 'reading feedback',
        progress: 0.01,
      });
      const snapshot = await this.store.snapshot();
      const { train, holdout } = splitFeedback(
        snapshot.rows.map((r) => ({ text: r.text, label: feedbackLabelToClass(r.label), contentHash: r.contentHash })),
        this.config.feedbackHoldoutFraction,
      );
      await this.store.updateRun(run.id, { feedbackRows: snapshot.rows.length, stage: 'training', progress: 0.05 });
      const task: RetrainTask = {
        runId: run.id,
        dataDir: resolveDataDir(),
        outDir: join(this.config.outDir, run.id),
        feedbackTrain: train,
        feedbackHoldout: holdout,
        feedbackWeight: this.config.feedbackWeight,
        data: this.config.retrainData,
        algorithm: this.config.retrainAlgorithm,
        cvFolds: this.config.retrainCvFolds,
        feedbackCutoff: snapshot.takenAt.toISOString(),
      };
      // A worker thread also publishes the run, so chart rendering, uploads and the gate never hold the event loop.
      const publishTo = this.runner.mode === 'worker' ? await this.publisher.publishTarget() : undefined;
      const outcome = await this.runner.run(task, {
        signal,
        onProgress: (progress, stage) => this.progress(run.id, 0.05 + progress * 0.85, stage),
        ...(publishTo ? { publishTo } : {}),
      });
      let result: Record<string, unknown>;
      if (outcome.kind === 'trained') {
        await this.store.updateRun(run.id, { stage: 'logging and quality gate', progress: 0.92 });
        const publication = await this.publisher.publish(run.id, outcome.result);
        result = {
          ...publication,
          artifactVersion: outcome.result.artifactVersion,
          algorithm: outcome.result.algorithm,
          evaluation: outcome.result.evaluation,
          trainingRows: outcome.result.trainingRows,
          feedbackTrainRows: train.length,
          feedbackHoldoutRows: holdout.length,
          durationMs: outcome.result.durationMs,
        };
      } else {
        const serving = await this.publisher.refreshFromRegistry().catch(() => undefined);
        // The Job's CLI wrote its own figures (version, gate decision, evaluation) into the run's result: keep them.
        const written = await this.store.getRun(run.id).catch(() => undefined);
        result = {
          ...(isRecord(written?.result) ? written.result : {}),
          job: `${outcome.namespace}/${outcome.jobName}`,
          durationMs: outcome.durationMs,
          championVersion: serving ?? null,
        };
      }
      await this.store.updateRun(run.id, {
        state: 'succeeded',
        finishedAt: new Date(),
        feedbackCutoff: snapshot.takenAt,
        progress: 1,
        stage: 'done',
        result,
      });
      this.logger.log(`training run ${run.id} succeeded`);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      this.logger.warn(`training run ${run.id} failed: ${reason}`);
      await this.store
        .updateRun(run.id, { state: 'failed', finishedAt: new Date(), stage: 'failed', reason: reason.slice(0, 4000) })
        .catch((e: Error) => this.logger.error(`could not record the failure of run ${run.id}: ${e.message}`));
    } finally {
      clearTimeout(timeout);
    }
  }

  private progress(id: string, progress: number, stage: string): void {
    const now = Date.now();
    if (now - this.lastProgressWrite < 250) return;
    this.lastProgressWrite = now;
    void this.store.updateRun(id, { progress: Math.min(0.9, progress), stage }).catch(() => undefined);
  }

  /** Runs left "queued"/"running" by a replica that stopped cannot finish any more: say so. */
  private async failInterruptedRuns(): Promise<void> {
    try {
      for (const run of await this.store.listRuns(20)) {
        if ((run.state === 'running' || run.state === 'queued') && run.id !== this.current?.id) {
          await this.store.updateRun(run.id, {
            state: 'failed',
            finishedAt: new Date(),
            reason: 'interrupted: the replica running it stopped before it finished',
          });
        }
      }
    } catch (error) {
      this.logger.warn(`could not check for interrupted runs: ${(error as Error).message}`);
    }
  }
}

/** Sortable and unique: `20261127T140512Z-3f9a1c`. */
export function newRunId(now = new Date()): string {
  return `${now
    .toISOString()
    .replace(/[-:]/gu, '')
    .replace(/\.\d+Z$/u, 'Z')}-${randomBytes(3).toString('hex')}`;
}

/**
 * Holds out a stable share of the feedback by content hash (the same message stays on the same side from run to
 * run, so the held-out slice is never trained on later either).
 */
export function splitFeedback(
  rows: readonly FeedbackRow[],
  fraction: number,
): { train: FeedbackRow[]; holdout: FeedbackRow[] } {
  const train: FeedbackRow[] = [];
  const holdout: FeedbackRow[] = [];
  const threshold = Math.round(fraction * 0x10000);
  for (const row of rows) (Number.parseInt(row.contentHash.slice(0, 4), 16) < threshold ? holdout : train).push(row);
  return { train, holdout };
}
