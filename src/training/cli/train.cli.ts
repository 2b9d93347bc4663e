#!/usr/bin/env node
import { trackTrainingResult } from '../../mlflow/track-training';
import { processIo } from './cli-io';
import { runTrainCli, type AfterTraining } from './train-command';

/** `--register` / `--promote`: hand the result to the MLflow module (or its local registry). */
const track: AfterTraining = async (result, options, io) => {
  const { run, promotion } = await trackTrainingResult(result, {
    register: true,
    promote: options.promote,
    secrets: { get: (name: string) => io.env[name] },
    logger: {
      log: (message: string) => io.stderr(`${message}\n`),
      warn: (message: string) => io.stderr(`warning: ${message}\n`),
    },
  });
  const version = run.version ? `, version ${run.version.version}` : '';
  const decision = promotion ? `, ${promotion.decision} (${promotion.reason})` : '';
  io.stderr(`tracked: ${run.store} run ${run.runId}${run.synced ? '' : ' (not synced)'}${version}${decision}\n`);
};

void runTrainCli(process.argv.slice(2), processIo(), track).then((code) => {
  process.exitCode = code;
});
