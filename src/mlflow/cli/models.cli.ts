import '../../app/node-version';
import { Command, CommanderError } from 'commander';
import { SecretsService } from '../../config/secrets.service';
import { mlflowConfigFrom } from '../config/mlflow.config';
import { evaluationMetricKey, promoteIfBetter, promoteVersion, rollbackChampion, GATE_TAGS } from '../promotion';
import { syncUnsyncedRuns } from '../run-logger';
import type { TrackingStore } from '../tracking-store';
import { createLocalTrackingStore, createTrackingStore } from '../tracking-store.factory';

export interface CliIo {
  env: NodeJS.ProcessEnv;
  out: (line: string) => void;
  err: (line: string) => void;
}

/**
 * `npm run models -- <command>`: list versions, apply the gate, promote by hand, roll back, sync unsynced runs.
 * Talks to MLflow when MLFLOW_TRACKING_URI is set, else to the local registry; running services follow the champion
 * alias of either. Returns the exit code.
 */
export async function runModelsCli(argv: readonly string[], io: CliIo): Promise<number> {
  let code = 0;
  const config = () => mlflowConfigFrom(io.env);
  const store = (): TrackingStore => createTrackingStore(config(), new SecretsService(io.env), { warn: io.err });
  // Every service follows the champion alias (MLflow or the local registry) and swaps at its next check.
  const followers = () => `; running services swap to it within ${Math.ceil(config().pollIntervalMs / 1000)} s`;
  const program = new Command('models')
    .description('Model registry: versions, aliases, promotion and sync')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd()) });

  program
    .command('list')
    .description('list the versions of the registered model, newest first')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }) => {
      const s = store();
      const versions = await s.listModelVersions(config().modelName);
      if (options.json) {
        io.out(JSON.stringify(versions, null, 2));
        return;
      }
      io.out(`${config().modelName} in ${s.kind} ${s.location}: ${versions.length} version(s)`);
      for (const v of versions) {
        const metrics = v.runId ? (await s.getRun(v.runId).catch(() => undefined))?.metrics : undefined;
        io.out(
          [
            `v${v.version}`.padEnd(6),
            (v.aliases.join(',') || '-').padEnd(22),
            evaluationFigures(metrics).padEnd(22),
            `${new Date(v.creationTimestamp).toISOString()}`,
            v.tags[GATE_TAGS.reason] ? ` ${v.tags[GATE_TAGS.reason]}` : '',
          ].join(' '),
        );
      }
    });

  program
    .command('gate <version>')
    .description('apply the quality gate: champion if it beats the current champion, else challenger')
    .action(async (version: string) => {
      const c = config();
      const decision = await promoteIfBetter(store(), { modelName: c.modelName, version, rule: c.gate });
      const swap = decision.decision === 'champion' ? followers() : '';
      io.out(`v${decision.version}: ${decision.decision} (${decision.reason})${swap}`);
    });

  program
    .command('promote <version>')
    .description('make a version the champion by hand (no gate); the reason is recorded on the version')
    .option('--reason <text>', 'why')
    .action(async (version: string, options: { reason?: string }) => {
      const decision = await promoteVersion(store(), {
        modelName: config().modelName,
        version,
        reason: options.reason,
      });
      const swap = decision.decision === 'champion' ? followers() : '';
      io.out(`v${decision.version}: ${decision.decision} (${decision.reason})${swap}`);
    });

  program
    .command('rollback')
    .description('give the champion alias back to the previous champion')
    .action(async () => {
      const decision = await rollbackChampion(store(), { modelName: config().modelName });
      io.out(`champion is v${decision.version} again (${decision.reason})${followers()}`);
    });

  program
    .command('sync')
    .description('push training runs saved locally while MLflow was unreachable')
    .option('--promote', 'apply the quality gate to each synced version')
    .action(async (options: { promote?: boolean }) => {
      const c = config();
      if (!c.trackingUri) throw new Error('MLFLOW_TRACKING_URI is not set: there is no MLflow server to sync to');
      const remote = store();
      const synced = await syncUnsyncedRuns(createLocalTrackingStore(c), remote, {
        experimentName: c.experimentName,
        logger: { log: io.out },
      });
      io.out(`${synced.length} run(s) synced to ${remote.location}`);
      if (!options.promote) return;
      for (const item of synced.filter((s) => s.version)) {
        const decision = await promoteIfBetter(remote, {
          modelName: c.modelName,
          version: item.version!,
          rule: c.gate,
        });
        io.out(`v${decision.version}: ${decision.decision} (${decision.reason})`);
      }
    });

  try {
    await program.parseAsync([...argv], { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode;
    io.err(`models: ${error instanceof Error ? error.message : String(error)}`);
    code = 1;
  }
  return code;
}

/** `sms f1=0.9653 fp=0, email f1=0.9776 fp=9`: the figures the gate compares, per evaluation set. */
function evaluationFigures(metrics: Record<string, number> | undefined): string {
  if (!metrics) return 'f1=? fp=?';
  const sets = Object.keys(metrics)
    .map((key) => /^eval\/(.+)\/f1_score$/.exec(key)?.[1])
    .filter((set): set is string => set !== undefined)
    .sort();
  if (sets.length === 0) return `f1=${metrics.f1_score?.toFixed(4) ?? '?'} fp=${metrics.fp ?? '?'}`;
  return sets
    .map((set) => {
      const fp = metrics[evaluationMetricKey(set, 'fp')];
      return `${set} f1=${metrics[evaluationMetricKey(set, 'f1_score')].toFixed(4)} fp=${fp ?? '?'}`;
    })
    .join(', ');
}

if (require.main === module) {
  void runModelsCli(process.argv.slice(2), {
    env: process.env,
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
  }).then((code) => {
    process.exitCode = code;
  });
}
