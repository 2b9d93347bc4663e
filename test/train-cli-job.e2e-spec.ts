import type { BatchV1Api } from '@kubernetes/client-node';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { stringify as toYaml } from 'yaml';
import { mlflowConfigFrom } from '../src/mlflow/config/mlflow.config';
import { createTrackingStore } from '../src/mlflow/tracking-store.factory';
import { runTrainCli } from '../src/training/cli/train-command';
import { KubernetesJobTrainingRunner, TRAINING_CLI } from '../src/retraining/kubernetes-job.runner';
import { openFeedbackStoreFromEnvironment } from '../src/retraining/cli/retrain-job';
import { FEEDBACK_HOLDOUT_SET } from '../src/retraining/retrain-task';
import type { RetrainTask } from '../src/retraining/retrain-task.types';
import { SecretsService } from '../src/config/secrets.service';
import { MlflowServerDouble } from './doubles/mlflow-server';
import { writeTinyJsonl } from './fixtures/training/tiny-corpus';
import { typescriptBootstrap } from '../src/engine/runtime/typescript-entry';

const ROOT = resolve(__dirname, '..');
const CLI_SOURCE = join(ROOT, 'src/training/cli/train.cli.ts');

/** Runs the real CLI process from its `.ts` source, as the training worker does under Jest (no build into dist/). */
const TS_ENTRY = typescriptBootstrap('process.argv[1]');

interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** The container's `node <args>` with the compiled CLI replaced by its source. */
function runContainer(args: readonly string[], env: NodeJS.ProcessEnv): Promise<CliRun> {
  expect(args[0]).toBe(TRAINING_CLI);
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ['-e', TS_ENTRY, CLI_SOURCE, ...args.slice(1)], {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', fail);
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

/** The process environment without anything that would point the CLI at real services. */
function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!/^(DATABASE_|MLFLOW_|VAULT_|FEEDBACK_|RETRAIN_|TRAINING_|MODEL_|SPAM_DATA_DIR$)/u.test(key)) env[key] = value;
  }
  return { ...env, ...extra };
}

/** The CLI arguments of the Job template the chart renders for the leader (`spam-classifier.retrainArgs`). */
async function chartRetrainArgs(): Promise<string[]> {
  const tpl = await readFile(join(ROOT, 'helm/spam-classifier/templates/_training.tpl'), 'utf8');
  const block = /define "spam-classifier\.retrainArgs" -\}\}\n([\s\S]*?)\{\{- end \}\}/u.exec(tpl);
  if (!block) throw new Error('no spam-classifier.retrainArgs in _training.tpl');
  return block[1]
    .trim()
    .split('\n')
    .map((line) => /^- (\S+)$/u.exec(line.trim())?.[1] ?? `unparsed: ${line}`);
}

/** Every `--flag` in the parts of a delivery file that `pattern` (with one group) marks as training CLI arguments. */
async function flagsIn(path: string, pattern: RegExp): Promise<string[]> {
  const text = await readFile(join(ROOT, path), 'utf8');
  const parts = [...text.matchAll(pattern)].map((m) => m[1]);
  expect(parts.length).toBeGreaterThan(0);
  return [...new Set(parts.flatMap((part) => [...part.matchAll(/(?<=^|\s)(--[a-z][a-z-]*)/gu)].map((m) => m[1])))];
}

describe('train.cli.js as the training Job of TRAINING_MODE=job', () => {
  let dir: string;
  let mlflow: MlflowServerDouble;
  let env: NodeJS.ProcessEnv;
  let cutoff: Date;
  let runner: KubernetesJobTrainingRunner;
  const runId = '20261127T150000Z-a1b2c3';

  const task = (id: string): RetrainTask => ({
    runId: id,
    dataDir: '/data',
    outDir: '/out',
    feedbackTrain: [],
    feedbackHoldout: [],
    feedbackWeight: 2,
    data: 'all',
    algorithm: 'logistic_regression',
    cvFolds: 5,
    feedbackCutoff: cutoff.toISOString(),
  });
  const argsFor = (id: string): string[] => runner.jobFor(task(id)).spec!.template.spec!.containers[0].args!;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'train-cli-job-'));
    mlflow = await MlflowServerDouble.start();
    env = cleanEnv({
      FEEDBACK_DB_DIR: join(dir, 'db'),
      RETRAIN_DATA: writeTinyJsonl(join(dir, 'tiny.jsonl')),
      RETRAIN_ALGORITHM: 'naive_bayes',
      RETRAIN_CV_FOLDS: '0',
      TRAINING_OUT_DIR: join(dir, 'runs'),
      MLFLOW_TRACKING_URI: mlflow.url,
      MLFLOW_MAX_ATTEMPTS: '1',
      MLFLOW_LOCAL_REGISTRY_DIR: join(dir, 'registry'),
      MODEL_DIR: join(dir, 'models'),
      GIT_COMMIT: 'e2e',
    });

    // The feedback as the service stored it, and the run row the leader creates before it starts the Job.
    const store = await openFeedbackStoreFromEnvironment(env);
    for (const [text, label] of [
      ['you have been chosen for a free cruise, call today', 'spam'],
      ['the kids finish school at three tomorrow', 'not_spam'],
      ['cheap meds shipped overnight, no prescription', 'spam'],
      ['can you water the plants while I am away', 'not_spam'],
      ['limited offer: double your savings, reply NOW', 'spam'],
      ['meeting notes attached, see section two', 'not_spam'],
    ] as const)
      await store.upsert({ text, label });
    await new Promise((r) => setTimeout(r, 5));
    cutoff = new Date();
    await new Promise((r) => setTimeout(r, 5));
    await store.upsert({ text: 'labelled after the leader took its snapshot', label: 'spam' });
    await store.createRun({ id: runId, trigger: 'api', forced: true, mode: 'job' });
    await store.close();

    const template = join(dir, 'training-job.yaml');
    await writeFile(
      template,
      toYaml({
        apiVersion: 'batch/v1',
        kind: 'Job',
        metadata: { generateName: 'release-spam-classifier-train-' },
        spec: {
          template: {
            spec: {
              restartPolicy: 'Never',
              containers: [{ name: 'train', image: 'spam:1', command: ['node'], args: await chartRetrainArgs() }],
            },
          },
        },
      }),
    );
    runner = new KubernetesJobTrainingRunner({} as BatchV1Api, {
      namespace: 'spam',
      templateFile: template,
      pollMs: 50,
      timeoutMs: 600_000,
      feedbackWeight: 2,
      feedbackHoldoutFraction: 0.5,
    });
  }, 60_000);

  afterAll(async () => {
    await mlflow?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('should know every flag the chart, the Jenkins training pipeline and the Job runner pass', async () => {
    const out: string[] = [];
    const help = await runTrainCli(['--help'], {
      stdout: (t) => out.push(t),
      stderr: (t) => out.push(t),
      env: {},
      interactive: false,
    });
    expect(help).toBe(0);
    const known = new Set([...out.join('').matchAll(/(--[a-z][a-z-]*)/gu)].map((m) => m[1]));
    const passed = [
      // Args lists of the chart's templates: `- --flag` lines.
      ...(await flagsIn('helm/spam-classifier/templates/_training.tpl', /^\s*- (--[a-z-]+)$/gmu)),
      // The pipeline's shell commands, backslash-continued lines included.
      ...(await flagsIn(
        'jenkins/Jenkinsfile.train',
        /node dist\/src\/training\/cli\/train\.cli\.js((?:[^\n]*\\\n)*[^\n]*)/gu,
      )),
      ...argsFor(runId).filter((a) => a.startsWith('--')),
    ];
    expect(passed).toEqual(expect.arrayContaining(['--feedback-from-database', '--max-features', '--json']));
    expect(passed.filter((flag) => !known.has(flag))).toEqual([]);
  });

  it('should run the Job the leader creates to exit 0, log and gate through MLflow under the run id, and fill the run row', async () => {
    const args = argsFor(runId);
    expect(args).toEqual(
      expect.arrayContaining(['--run-id', runId, '--feedback-from-database', '--feedback-until', cutoff.toISOString()]),
    );
    const run = await runContainer(args, env);
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: expect.any(String) });
    expect(run.stderr).not.toMatch(/^error:/mu);

    const lines = run.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    const outcome = JSON.parse(lines[0]);
    expect(outcome).toMatchObject({
      runId,
      state: 'succeeded',
      feedbackCutoff: cutoff.toISOString(),
      trackingStore: 'mlflow',
      synced: true,
      registeredVersion: '1',
      promoted: true,
      decision: 'champion',
      algorithm: 'naive_bayes',
    });
    // Six labels before the cutoff, split by content hash; the seventh came after the snapshot.
    expect(outcome.feedbackTrainRows + outcome.feedbackHoldoutRows).toBe(6);
    expect(outcome.feedbackHoldoutRows).toBeGreaterThan(0);
    expect(Object.keys(outcome.evaluation).sort()).toEqual([FEEDBACK_HOLDOUT_SET, 'tiny.jsonl']);

    const tracking = createTrackingStore(mlflowConfigFrom(env), new SecretsService(env));
    const logged = await tracking.getRun(outcome.trackingRunId);
    expect(logged.runName).toBe(`retrain-${runId}`);
    expect(logged.params).toMatchObject({ retrain_run_id: runId, feedback_weight: '2' });
    expect((await tracking.getVersionByAlias('spam-classifier', 'champion'))?.version).toBe('1');

    const store = await openFeedbackStoreFromEnvironment(env);
    try {
      const row = await store.getRun(runId);
      const { runId: _id, state: _state, feedbackCutoff: _cutoff, artifactPath: _path, ...recorded } = outcome;
      expect(row?.result).toEqual(recorded);
      expect(row?.state).toBe('queued'); // the leader sets the state from the Job's status
    } finally {
      await store.close();
    }
  }, 180_000);

  it('should exit non-zero (the Job fails) when the run fails, with the reason on stderr and as JSON', async () => {
    const run = await runContainer(argsFor('job-without-data'), { ...env, RETRAIN_DATA: join(dir, 'gone.jsonl') });
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(/^error: training run job-without-data failed: .*gone\.jsonl/mu);
    expect(JSON.parse(run.stdout.trim())).toMatchObject({ runId: 'job-without-data', state: 'failed' });
  }, 180_000);

  it('should exit 2 with one line naming the flag on a bad date or fraction', async () => {
    const base = [TRAINING_CLI, '--feedback-from-database'];
    const date = await runContainer([...base, '--feedback-until', '27/11/2026'], env);
    expect(date.code).toBe(2);
    expect(date.stderr).toBe(
      `error: option '--feedback-until <iso>' argument '27/11/2026' is invalid. must be an ISO 8601 instant with a zone such as 2026-11-27T14:05:12.000Z, got "27/11/2026"\n`,
    );
    const fraction = await runContainer([...base, '--feedback-holdout-fraction', '1'], env);
    expect(fraction.code).toBe(2);
    expect(fraction.stderr).toBe(
      `error: option '--feedback-holdout-fraction <f>' argument '1' is invalid. must be a number from 0 to 0.9 (the limits of FEEDBACK_HOLDOUT_FRACTION), got "1"\n`,
    );
    expect(fraction.stdout).toBe('');
  }, 180_000);
});
