#!/usr/bin/env node
import { processIo } from './cli-io';
import { runTrainCli, type AfterTraining } from './train-command';

/** `--register` / `--promote`: hand the result to the MLflow module (loaded only when asked for). */
const track: AfterTraining = async (result, options, io) => {
  const { trackTrainingResult } = await import('../../mlflow/track-training');
  const { run, promotion } = await trackTrainingResult(result, {
    register: true,
    promote: options.promote,
    secrets: { get: (name) => io.env[name] },
    logger: { log: (message) => io.stderr(`${message}\n`), warn: (message) => io.stderr(`warning: ${message}\n`) },
  });
  const version = run.version ? `, version ${run.version.version}` : '';
  const decision = promotion ? `, ${promotion.decision} (${promotion.reason})` : '';
  io.stderr(`tracked: ${run.store} run ${run.runId}${run.synced ? '' : ' (not synced)'}${version}${decision}\n`);
};

void runTrainCli(process.argv.slice(2), processIo(), track).then((code) => {
  process.exitCode = code;
});
