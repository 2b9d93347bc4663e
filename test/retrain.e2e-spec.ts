import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { execFile } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { promisify } from 'node:util';
import { ModelHolder } from '../src/classifier/model-holder.service';
import { loadSmsCorpus } from '../src/training/datasets/corpora';
import { resolveDataDir } from '../src/training/datasets/data-dir';
import type { LabelledText } from '../src/training/datasets/labelled-text';
import { FeedbackStore } from '../src/feedback/feedback.store';
import { SqliteFeedbackStore } from '../src/feedback/sqlite-feedback.store';
import { feedbackContentHash } from '../src/feedback/feedback-text';
import { RetrainingService, splitFeedback } from '../src/retraining/retraining.service';
import { createTrainingTestApp, type TrainingTestApp } from './support/training-test-app';

const HOLDOUT = 0.2;

interface LoadFigures {
  requests: number;
  errors: number;
  non2xx: number;
  p99: number;
}

/** Bounded loopback load from a separate process (autocannon's CLI), so the load generator does not share our event loop. */
async function loadFor(url: string, seconds: number): Promise<LoadFigures> {
  const cli = join(__dirname, '..', 'node_modules', 'autocannon', 'autocannon.js');
  const body = JSON.stringify({ text: 'Congratulations! You have won a free cruise. Call now to claim your prize' });
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [
      cli,
      '-c',
      '8',
      '-d',
      String(seconds),
      '-m',
      'POST',
      '-H',
      'content-type=application/json',
      '-b',
      body,
      '--json',
      url,
    ],
    { maxBuffer: 16 * 1024 * 1024 },
  );
  const result = JSON.parse(stdout) as {
    requests: { total: number };
    errors: number;
    timeouts: number;
    non2xx: number;
    latency: { p99: number };
  };
  return {
    requests: result.requests.total,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
    p99: result.latency.p99,
  };
}

/** Retrains on the SMS corpus only, a fixed model and no CV, so one run takes seconds on a shared machine. */
const RETRAIN_ENV = {
  RETRAIN_DATA: 'sms',
  RETRAIN_ALGORITHM: 'logistic_regression',
  RETRAIN_CV_FOLDS: '0',
  RETRAIN_MIN_NEW_FEEDBACK: '3',
  FEEDBACK_WEIGHT: '5',
  FEEDBACK_HOLDOUT_FRACTION: String(HOLDOUT),
  // The gate tolerates a small F1 dip and two more false positives: relabelling 30 training rows moves the
  // fixed held-out figures a little; poisoning (below) moves them far more.
  MLFLOW_GATE_MIN_F1_GAIN: '-0.02',
  MLFLOW_GATE_MAX_FP_INCREASE: '2',
};

interface RunView {
  id: string;
  state: string;
  progress: number;
  stage: string | null;
  result: Record<string, unknown> | null;
  reason: string | null;
}

async function waitForRun(
  app: NestFastifyApplication,
  admin: Record<string, string>,
  id: string,
  timeoutMs = 240_000,
): Promise<RunView> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const run = (
      await app.inject({ method: 'GET', url: `/api/v1/training/runs/${id}`, headers: admin })
    ).json() as RunView;
    if (run.state === 'succeeded' || run.state === 'failed') return run;
    if (Date.now() > deadline) throw new Error(`run ${id} still ${run.state} at ${run.stage}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function startRun(app: NestFastifyApplication, admin: Record<string, string>, body: object = { force: true }) {
  return app.inject({ method: 'POST', url: '/api/v1/training/runs', headers: admin, payload: body });
}

describe(`${RetrainingService.name} end to end`, () => {
  let harness: TrainingTestApp;
  let app: NestFastifyApplication;
  let sms: { train: readonly LabelledText[] };

  beforeAll(async () => {
    harness = await createTrainingTestApp(RETRAIN_ENV, { classifierRoutes: true });
    app = harness.app;
    sms = await loadSmsCorpus(resolveDataDir());
  }, 120_000);

  afterAll(async () => {
    await harness?.close();
  }, 60_000);

  const classify = (text: string) => app.get(ModelHolder).active()!.classifier.classify(text).label;

  it('should skip without enough new labels, train when forced, answer 409 while running, then serve the promoted model', async () => {
    const skipped = await startRun(app, harness.admin, {});
    expect(skipped.statusCode).toBe(200);
    expect(skipped.json()).toEqual({
      state: 'skipped',
      reason:
        '0 new labels since the last run, 3 needed (RETRAIN_MIN_NEW_FEEDBACK); send {"force": true} to train anyway',
      new_labels: 0,
      needed: 3,
    });

    const started = await startRun(app, harness.admin);
    expect(started.statusCode).toBe(202);
    const { id, state } = started.json();
    expect(state).toBe('queued');
    const conflict = await startRun(app, harness.admin);
    expect(conflict.statusCode).toBe(409);
    expect(conflict.json().message).toBe(`training run ${id} is running`);

    const run = await waitForRun(app, harness.admin, id);
    expect(run).toMatchObject({ state: 'succeeded', progress: 1, reason: null });
    expect(run.result).toMatchObject({
      promoted: true,
      decision: 'champion',
      reason: 'no champion yet',
      registered_version: '1',
    });
    expect(app.get(ModelHolder).active()?.artifact.metadata.version).toBe(run.result!.artifact_version);
    // no MLflow: the promoted model is also put where the model loader looks after a restart
    expect(await readdir(join(harness.dir, 'models'))).toEqual(['retrained-v1.json']);
    expect(
      (await app.inject({ method: 'GET', url: '/api/v1/training/runs/nope', headers: harness.admin })).statusCode,
    ).toBe(404);
  }, 300_000);

  it('should relearn: relabelled known messages are classified as labelled once the retrained model is promoted', async () => {
    // Ham training messages the current model calls ham, relabelled spam (unique texts, so one label each).
    const counts = new Map<string, number>();
    for (const row of sms.train) counts.set(row.text, (counts.get(row.text) ?? 0) + 1);
    const chosen = sms.train
      .filter((r) => r.label === 0 && counts.get(r.text) === 1 && r.text.length > 40 && classify(r.text) === 0)
      .slice(0, 30);
    expect(chosen).toHaveLength(30);
    for (const row of chosen) {
      const response = await app.inject({
        method: 'POST',
        url: '/api/v1/feedback',
        payload: { text: row.text, label: 'spam', source: 'e2e' },
      });
      expect(response.json().outcome).toBe('created');
    }
    const started = await startRun(app, harness.admin, {});
    expect(started.json().state).toBe('queued'); // 30 new labels ≥ 3 needed: no force
    const run = await waitForRun(app, harness.admin, started.json().id);
    expect(run.state).toBe('succeeded');
    expect(run.result).toMatchObject({ promoted: true, decision: 'champion' });
    expect(Object.keys(run.result!.evaluation as object).sort()).toEqual(['feedback_holdout', 'sms']);

    const trained = splitFeedback(
      chosen.map((r) => ({ text: r.text, label: 1, contentHash: feedbackContentHash(r.text) })),
      HOLDOUT,
    ).train;
    expect(trained.length).toBeGreaterThan(15);
    const nowSpam = trained.filter((r) => classify(r.text) === 1).length;
    expect(nowSpam).toBe(trained.length);
  }, 300_000);

  it('should keep serving under load while a retrain runs and swaps: zero failed requests, p99 reported', async () => {
    await app.listen(0, '127.0.0.1');
    const address = app.getHttpServer().address() as AddressInfo;
    const url = `http://127.0.0.1:${address.port}/api/v1/predictions`;
    const idle = await loadFor(url, 3);
    const loop = monitorEventLoopDelay({ resolution: 10 });
    const versionBefore = app.get(ModelHolder).active()!.artifact.metadata.version;
    loop.enable();
    const started = await startRun(app, harness.admin);
    const id = started.json().id as string;
    const during: LoadFigures[] = [];
    let run: RunView;
    do {
      during.push(await loadFor(url, 2));
      run = (
        await app.inject({ method: 'GET', url: `/api/v1/training/runs/${id}`, headers: harness.admin })
      ).json() as RunView;
    } while (run.state !== 'succeeded' && run.state !== 'failed');
    loop.disable();
    const loopDelayP99 = Math.round(loop.percentile(99) / 1e6);
    const loopDelayMax = Math.round(loop.max / 1e6);
    const sum = (k: keyof LoadFigures) => during.reduce((n, f) => n + f[k], 0);
    const p99During = Math.max(...during.map((f) => f.p99));
    // Reported, never asserted (shared machine): the issue asks for the p99 during training next to the idle one.
    console.log(
      `serving during retrain ${id}: idle p99 ${idle.p99} ms (${idle.requests} requests); during training p99 ${p99During} ms ` +
        `over ${sum('requests')} requests in ${during.length} windows, ${sum('errors')} errors, ${sum('non2xx')} non-2xx; ` +
        `model ${versionBefore} → ${app.get(ModelHolder).active()!.artifact.metadata.version}; ` +
        `p99 per 2 s window: ${during.map((f) => f.p99).join(', ')} ms; event-loop delay p99 ${loopDelayP99} ms, max ${loopDelayMax} ms; main-thread steps ${JSON.stringify(run.result?.timings_ms)} ms`,
    );
    expect(run.state).toBe('succeeded');
    expect(run.result).toMatchObject({ promoted: true });
    expect(app.get(ModelHolder).active()!.artifact.metadata.version).not.toBe(versionBefore); // swapped under load
    expect(idle.errors + idle.non2xx).toBe(0);
    expect(sum('requests')).toBeGreaterThan(0);
    expect(sum('errors')).toBe(0);
    expect(sum('non2xx')).toBe(0);
  }, 300_000);

  it('should not promote a model trained on poisoned feedback and keep serving the champion', async () => {
    const serving = app.get(ModelHolder).active()!;
    const spamRows = sms.train.filter((r) => r.label === 1).slice(0, 400);
    for (const row of spamRows) {
      const response = await app.inject({
        method: 'POST',
        url: '/api/v1/feedback',
        payload: { text: row.text, label: 'not_spam', source: 'poison' },
      });
      expect(response.statusCode).toBeLessThan(300);
    }
    const started = await startRun(app, harness.admin, {});
    const run = await waitForRun(app, harness.admin, started.json().id);
    expect(run.state).toBe('succeeded');
    expect(run.result).toMatchObject({ promoted: false, decision: 'challenger' });
    expect(String(run.result!.reason)).toMatch(/sms: F1 [0-9.]+ vs [0-9.]+/u);
    expect(app.get(ModelHolder).active()).toBe(serving);
  }, 300_000);
});

describe(`${RetrainingService.name} failures`, () => {
  it('should report a failed run with its reason and leave the serving model and the feedback untouched', async () => {
    const harness = await createTrainingTestApp({ ...RETRAIN_ENV, RETRAIN_DATA: '/nonexistent/labelled.csv' });
    try {
      const { app, admin } = harness;
      await app.inject({
        method: 'POST',
        url: '/api/v1/feedback',
        payload: { text: 'kept through a failed run', label: 'spam' },
      });
      const before = await app.get(FeedbackStore).list({ limit: 10, offset: 0 });
      const started = await startRun(app, admin);
      const run = await waitForRun(app, admin, started.json().id);
      expect(run.state).toBe('failed');
      expect(run.reason).toContain('/nonexistent/labelled.csv');
      expect(app.get(ModelHolder).active()).toBeUndefined();
      expect(await app.get(FeedbackStore).list({ limit: 10, offset: 0 })).toEqual(before);
      expect(await app.get(FeedbackStore).countNewSinceLastRun()).toBe(1); // a failed run consumes no labels
    } finally {
      await harness.close();
    }
  }, 120_000);

  it('should mark a run left running by a stopped replica as failed when this replica leads', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'interrupted-'));
    try {
      const store = new SqliteFeedbackStore(join(dir, 'feedback.sqlite'));
      await store.open();
      await store.createRun({ id: 'left-behind', trigger: 'cron', forced: false, mode: 'worker' });
      await store.updateRun('left-behind', { state: 'running', startedAt: new Date() });
      await store.close();
      const harness = await createTrainingTestApp({ FEEDBACK_DB_PATH: join(dir, 'feedback.sqlite') });
      try {
        const run = await harness.app.inject({
          method: 'GET',
          url: '/api/v1/training/runs/left-behind',
          headers: harness.admin,
        });
        expect(run.json()).toMatchObject({
          state: 'failed',
          reason: 'interrupted: the replica running it stopped before it finished',
        });
      } finally {
        await harness.close();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
