#!/usr/bin/env node
import { Logger, type LoggerService } from '@nestjs/common';
import { trackTrainingResult } from '../../mlflow/track-training';
import { firstLine, processIo } from './cli-io';
import { publishRetrainFromEnvironment } from '../../retraining/cli/retrain-publisher';
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

/** The service code reused here logs through Nest's Logger: to stderr, so stdout holds only the CLI's output. */
const stderrLogger: LoggerService = {
  log: (message: unknown) => process.stderr.write(`${String(message)}\n`),
  warn: (message: unknown) => process.stderr.write(`warning: ${String(message)}\n`),
  error: (message: unknown) => process.stderr.write(`error: ${String(message)}\n`),
};
Logger.overrideLogger(stderrLogger);

runTrainCli(process.argv.slice(2), processIo(), track, publishRetrainFromEnvironment).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`error: ${firstLine(error)}\n`);
    process.exitCode = 1;
  },
);
