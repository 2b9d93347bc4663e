import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeTinyJsonl } from '../../../test/fixtures/training/tiny-corpus';
import type { PublicationResult } from '../publish-retrain';
import { FEEDBACK_HOLDOUT_SET } from '../retrain-task';
import { splitFeedback } from '../retraining.service';
import { feedbackContentHash } from '../../feedback/feedback-text';
import { feedbackLabelToClass } from '../../feedback/feedback.types';
import type { CliIo } from '../../training/cli/cli-io';
import {
  openFeedbackStoreFromEnvironment,
  publishRetrainFromEnvironment,
  retrainFromDatabase,
  retrainJob,
  runDatabaseRetrain,
  type DatabaseRetrainResult,
  type PublishRetrain,
} from './retrain-job';
import { runTrainCli } from '../../training/cli/train-command';

/** The training CLI as its entry wires it, with `publish` for `--promote`. */
function trainCli(argv: readonly string[], io: CliIo, publish?: PublishRetrain): Promise<number> {
  return runTrainCli(argv, io, undefined, retrainJob(publish));
}

function collector(env: NodeJS.ProcessEnv) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { stdout: (t) => out.push(t), stderr: (t) => err.push(t), env, interactive: false };
  return { io, out: () => out.join(''), err: () => err.join('') };
}

const FEEDBACK_BEFORE = [
  { text: 'feedback one: claim your reward voucher today by replying YES', label: 'spam' as const },
  { text: 'feedback two: the plumber comes on Tuesday morning', label: 'not_spam' as const },
  { text: 'feedback three: exclusive crypto bonus, act within the hour', label: 'spam' as const },
  { text: 'feedback four: lunch moved to the small meeting room', label: 'not_spam' as const },
  { text: 'feedback five: you are pre-approved for a loan, click here', label: 'spam' as const },
  { text: 'feedback six: grandma says thank you for the flowers', label: 'not_spam' as const },
];
const FEEDBACK_AFTER = { text: 'feedback after the cutoff: never trained on by this run', label: 'spam' as const };
const HOLDOUT_FRACTION = 0.5;

const fakePublication: PublicationResult = {
  trackingRunId: 'tracking-1',
  trackingStore: 'local',
  synced: true,
  registeredVersion: '7',
  promoted: false,
  decision: 'challenger',
  reason: 'F1 gain 0.0000 below 0.0010',
  servingSource: undefined,
  timingsMs: { parse: 1 },
};

describe(runDatabaseRetrain.name, () => {
  let dir: string;
  let env: NodeJS.ProcessEnv;
  let cutoff: Date;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'train-cli-db-'));
    env = {
      FEEDBACK_DB_DIR: join(dir, 'db'),
      RETRAIN_DATA: writeTinyJsonl(join(dir, 'tiny.jsonl')),
      RETRAIN_ALGORITHM: 'naive_bayes',
      RETRAIN_CV_FOLDS: '0',
      TRAINING_OUT_DIR: join(dir, 'runs'),
      FEEDBACK_WEIGHT: '3',
      MLFLOW_LOCAL_REGISTRY_DIR: join(dir, 'registry'),
      MODEL_DIR: join(dir, 'models'),
      GIT_COMMIT: 'test',
    };
    const store = await openFeedbackStoreFromEnvironment(env);
    for (const row of FEEDBACK_BEFORE) await store.upsert(row);
    await new Promise((r) => setTimeout(r, 5));
    cutoff = new Date();
    await new Promise((r) => setTimeout(r, 5));
    await store.upsert(FEEDBACK_AFTER);
    for (const id of ['run-ok', 'run-bad-data', 'run-real'])
      await store.createRun({ id, trigger: 'api', forced: true, mode: 'job' });
    await store.close();
  }, 60_000);

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  async function readRun(id: string) {
    const store = await openFeedbackStoreFromEnvironment(env);
    try {
      return await store.getRun(id);
    } finally {
      await store.close();
    }
  }

  /** The arguments the leader's Job runner appends (see KubernetesJobTrainingRunner). */
  function jobArgs(runId: string, extra: string[] = []): string[] {
    return [
      '--no-progress',
      '--register',
      '--promote',
      '--run-id',
      runId,
      '--feedback-from-database',
      '--feedback-weight',
      '2',
      '--feedback-holdout-fraction',
      String(HOLDOUT_FRACTION),
      '--feedback-until',
      cutoff.toISOString(),
      ...extra,
    ];
  }

  it('should retrain on the feedback labelled before --feedback-until, publish it, fill the run row and print one JSON line', async () => {
    const cli = collector(env);
    const published: Array<[string, DatabaseRetrainResult]> = [];
    const publish: PublishRetrain = async (runId, result) => {
      published.push([runId, result]);
      return fakePublication;
    };
    const code = await trainCli(jobArgs('run-ok'), cli.io, publish);
    expect(cli.err()).toBe('');
    expect(code).toBe(0);

    const { train, holdout } = splitFeedback(
      FEEDBACK_BEFORE.map((row) => ({
        ...row,
        label: feedbackLabelToClass(row.label),
        contentHash: feedbackContentHash(row.text),
      })),
      HOLDOUT_FRACTION,
    );
    expect(train.length).toBeGreaterThan(0);
    expect(holdout.length).toBeGreaterThan(0);

    expect(published).toHaveLength(1);
    const [runId, result] = published[0];
    expect(runId).toBe('run-ok');
    expect(result).toMatchObject({
      feedbackTrainRows: train.length,
      feedbackHoldoutRows: holdout.length,
      feedbackRows: train.length,
      feedbackCutoff: cutoff.toISOString(),
      algorithm: 'naive_bayes',
      params: expect.objectContaining({ feedback_weight: 2, n_train_feedback: train.length }),
    });
    expect(Object.keys(result.evaluation).sort()).toEqual([FEEDBACK_HOLDOUT_SET, 'tiny.jsonl']);
    expect(result.evaluation[FEEDBACK_HOLDOUT_SET].n).toBe(holdout.length);
    expect(result.artifactPath).toBe(join(dir, 'runs', 'run-ok', 'model.json'));
    expect(existsSync(result.artifactPath)).toBe(true);

    const lines = cli.out().trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    const printed = JSON.parse(lines[0]);
    const recorded = {
      ...fakePublication,
      artifactVersion: result.artifactVersion,
      algorithm: 'naive_bayes',
      evaluation: result.evaluation,
      trainingRows: result.trainingRows,
      feedbackTrainRows: train.length,
      feedbackHoldoutRows: holdout.length,
      durationMs: result.durationMs,
    };
    expect(printed).toEqual(
      JSON.parse(
        JSON.stringify({
          runId: 'run-ok',
          state: 'succeeded',
          feedbackCutoff: cutoff.toISOString(),
          artifactPath: result.artifactPath,
          ...recorded,
        }),
      ),
    );
    const run = await readRun('run-ok');
    expect(run?.result).toEqual(JSON.parse(JSON.stringify(recorded)));
    // The leader owns the run's state: the Job only adds its result.
    expect(run?.state).toBe('queued');
  }, 120_000);

  it('should take FEEDBACK_WEIGHT and a new run id when the flags are absent, and say that no run row matched', async () => {
    const cli = collector(env);
    const code = await trainCli(
      ['--feedback-from-database', '--no-progress', '--run-id', 'not-in-store'],
      cli.io,
      async () => {
        throw new Error('not called without --promote');
      },
    );
    expect(code).toBe(0);
    expect(cli.err()).toBe(
      `note: no training run not-in-store in the feedback store (SQLite at ${join(dir, 'db', 'feedback.sqlite')}); its row is not updated\n`,
    );
    const printed = JSON.parse(cli.out());
    expect(printed).toMatchObject({ runId: 'not-in-store', state: 'succeeded' });
    expect(printed.decision).toBeUndefined();
    expect(await readRun('not-in-store')).toBeUndefined();

    const generated = collector(env);
    const published: DatabaseRetrainResult[] = [];
    expect(
      await trainCli(['--feedback-from-database', '--promote'], generated.io, async (_id, result) => {
        published.push(result);
        return fakePublication;
      }),
    ).toBe(0);
    expect(published[0].params.feedback_weight).toBe(3);
    expect(JSON.parse(generated.out().trim().split('\n').at(-1)!).runId).toMatch(/^\d{8}T\d{6}Z-[0-9a-f]{6}$/u);
    expect(generated.err()).toContain('] loading corpora\n');
  }, 120_000);

  it('should exit 3 on missing corpora, print the failure as JSON and leave the reason in the run row', async () => {
    const cli = collector({ ...env, RETRAIN_DATA: join(dir, 'missing.jsonl') });
    const code = await trainCli(jobArgs('run-bad-data'), cli.io, async () => fakePublication);
    expect(code).toBe(3);
    expect(cli.err()).toMatch(/^error: training run run-bad-data failed: .*missing\.jsonl/u);
    expect(JSON.parse(cli.out())).toMatchObject({ runId: 'run-bad-data', state: 'failed' });
    const run = await readRun('run-bad-data');
    expect(String(run?.result?.error)).toContain('missing.jsonl');
  }, 60_000);

  it('should exit 1 when publishing fails, as an in-process run fails when logging fails, with secrets masked', async () => {
    const cli = collector({ ...env, MLFLOW_TRACKING_PASSWORD: 'hunter2-secret' });
    const code = await trainCli(jobArgs('run-ok'), cli.io, async () => {
      throw new Error('MLflow refused hunter2-secret with 401\nand a stack');
    });
    expect(code).toBe(1);
    expect(cli.err()).toBe('error: training run run-ok failed: MLflow refused [REDACTED] with 401\n');
    expect(JSON.parse(cli.out())).toEqual({
      runId: 'run-ok',
      state: 'failed',
      reason: 'MLflow refused [REDACTED] with 401',
    });
    expect((await readRun('run-ok'))?.result).toEqual({ error: 'MLflow refused [REDACTED] with 401' });
  }, 60_000);

  it('should exit 1 naming the store when it cannot be opened', async () => {
    const cli = collector({ ...env, DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none?connect_timeout=2' });
    const code = await trainCli(['--feedback-from-database'], cli.io);
    expect(code).toBe(1);
    expect(cli.err()).toMatch(/^error: training run .+ failed: could not open the feedback store: /u);
  }, 60_000);

  it('should read DATABASE_URL from the Vault Agent folder as the service does, and fail naming a bad Agent file', async () => {
    const agent = join(dir, 'vault-agent');
    mkdirSync(agent, { recursive: true });
    writeFileSync(join(agent, 'database'), 'DATABASE_URL=postgres://nobody@127.0.0.1:1/none?connect_timeout=2\n');
    const fromAgent = collector({ ...env, VAULT_AGENT_SECRETS_DIR: agent });
    expect(await trainCli(['--feedback-from-database'], fromAgent.io)).toBe(1);
    expect(fromAgent.err()).toMatch(/failed: could not open the feedback store: /u);

    writeFileSync(join(agent, 'broken'), '{ not json');
    const broken = collector({ ...env, VAULT_AGENT_SECRETS_DIR: agent });
    expect(await trainCli(['--feedback-from-database'], broken.io)).toBe(1);
    expect(broken.err()).toMatch(/failed: could not load the secrets: .*broken: not valid JSON/u);
    expect(broken.err()).not.toContain('nobody');
  }, 60_000);

  it.each([
    [['--register'], "error: option '--register' needs '--promote' with --feedback-from-database"],
    [['--max-features', '500'], "error: option '--max-features <n>' does not apply with --feedback-from-database"],
    [['--seed', '1'], "error: option '--seed <n>' does not apply with --feedback-from-database"],
    [['--no-sublinear'], "error: option '--no-sublinear' does not apply with --feedback-from-database"],
    [['--promote'], "error: option '--promote' is not available in this build"],
  ])('should exit 2 on %j with one line naming the option', async (args, message) => {
    const cli = collector(env);
    expect(await trainCli(['--feedback-from-database', ...args], cli.io)).toBe(2);
    expect(cli.err()).toMatch(new RegExp(`^${escape(message)}[^\n]*\n$`, 'u'));
    expect(cli.out()).toBe('');
  });

  it.each([
    [['--feedback-until', 'yesterday'], "error: option '--feedback-until <iso>' argument 'yesterday' is invalid."],
    [
      ['--feedback-holdout-fraction', '1.5'],
      "error: option '--feedback-holdout-fraction <f>' argument '1.5' is invalid.",
    ],
    [['--run-id', 'a b'], "error: option '--run-id <id>' argument 'a b' is invalid."],
  ])('should exit 2 on the bad value %j with one line naming the flag', async (args, message) => {
    const cli = collector(env);
    expect(await trainCli(['--feedback-from-database', ...args], cli.io)).toBe(2);
    expect(cli.err()).toMatch(new RegExp(`^${escape(message)}[^\n]*\n$`, 'u'));
  });

  it.each([
    ['--run-id', 'r1'],
    ['--feedback-until', '2026-11-27T14:05:12Z'],
    ['--feedback-holdout-fraction', '0.2'],
  ])('should exit 2 on %s without --feedback-from-database', async (flag, value) => {
    const cli = collector(env);
    expect(await trainCli([flag, value], cli.io)).toBe(2);
    expect(cli.err()).toMatch(
      new RegExp(`^error: option '${flag} <[a-z]+>' applies only with --feedback-from-database\n$`, 'u'),
    );
  });

  it('should exit 2 naming every bad setting of the environment', async () => {
    const cli = collector({ ...env, FEEDBACK_WEIGHT: '0', RETRAIN_CV_FOLDS: 'many' });
    expect(await trainCli(['--feedback-from-database'], cli.io)).toBe(2);
    expect(cli.err()).toMatch(/^error: FEEDBACK_WEIGHT="0": .*; RETRAIN_CV_FOLDS="many": [^\n]*\n$/u);
  });

  it('should log, register and gate through the scheduler publisher, and keep the promoted model in MODEL_DIR', async () => {
    const cli = collector(env);
    const code = await trainCli(jobArgs('run-real'), cli.io, publishRetrainFromEnvironment);
    expect(code).toBe(0);
    const printed = JSON.parse(cli.out().trim().split('\n').at(-1)!);
    expect(printed).toMatchObject({
      runId: 'run-real',
      state: 'succeeded',
      trackingStore: 'local',
      synced: true,
      registeredVersion: '1',
      promoted: true,
      decision: 'champion',
    });
    expect(printed.servingSource).toBeUndefined();
    expect(cli.err()).toMatch(/tracked: local run [0-9a-f]+, version 1, champion \(/u);
    expect(existsSync(join(dir, 'models', 'retrained-v1.json'))).toBe(true);
    expect((await readRun('run-real'))?.result).toMatchObject({ registeredVersion: '1', decision: 'champion' });
  }, 120_000);
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/gu, '\\$&');
}

describe(retrainFromDatabase.name, () => {
  let dir: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'retrain-db-'));
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('should train from the corpora and the feedback the store held before the cutoff, as a training Job does', async () => {
    const env = {
      FEEDBACK_DB_DIR: join(dir, 'db'),
      SPAM_DATA_DIR: '/work/shared/data',
      FEEDBACK_HOLDOUT_FRACTION: '0',
    };
    const store = await openFeedbackStoreFromEnvironment(env);
    await store.upsert({ text: 'feedback before the cutoff, clearly spam, win cash now', label: 'spam' });
    await new Promise((r) => setTimeout(r, 5));
    const cutoff = new Date();
    await new Promise((r) => setTimeout(r, 5));
    await store.upsert({ text: 'feedback after the cutoff', label: 'not_spam' });
    await store.close();

    const result = await retrainFromDatabase({
      runId: 'job-run',
      outDir: join(dir, 'out'),
      feedbackUntil: cutoff,
      data: 'sms',
      algorithm: 'naive_bayes',
      cvFolds: 0,
      env,
    });
    expect(result.feedbackRows).toBe(1);
    expect(Object.keys(result.evaluation)).toEqual(['sms']);
    expect(result.evaluation[FEEDBACK_HOLDOUT_SET]).toBeUndefined();
    expect(result.artifactPath).toBe(join(dir, 'out', 'model.json'));
  }, 120_000);
});
