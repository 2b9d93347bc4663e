#!/usr/bin/env node
import '../../app/node-version';
/**
 * `npm run train`, and the training Job's command (`--feedback-from-database`): this process's composition root, so
 * it wires retraining's Job command into the training CLI.
 */
import { Logger, type LoggerService } from '@nestjs/common';
import { classifierConfigFrom } from '../../classifier/config/classifier.config';
import { mlflowConfigFrom } from '../../mlflow/config/mlflow.config';
import { runPublisherFromConfig } from '../../mlflow/publish-run';
import { modelFolderBaseline } from '../../mlflow/serving-model';
import { publishInput } from '../publish-input';
import { firstLine, processIo } from './cli-io';
import { publishRetrainFromEnvironment, retrainJob } from '../../retraining/cli/retrain-job';
import { runTrainCli, type AfterTraining } from './train-command';

/** `--register` / `--promote`: publish the run in MLflow (or the local registry); the gate only with `--promote`. */
const publish: AfterTraining = async (result, options, io) => {
  const publisher = runPublisherFromConfig(
    mlflowConfigFrom(io.env),
    { get: (name: string) => io.env[name] },
    {
      log: (message: string) => io.stderr(`${message}\n`),
      warn: (message: string) => io.stderr(`warning: ${message}\n`),
    },
  );
  // With no champion registered, the gate compares with what the service serves from its model folder.
  const baseline = () => modelFolderBaseline(classifierConfigFrom(io.env));
  const { run, promotion } = await publisher.publish(await publishInput(result), {
    promote: options.promote,
    baseline,
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

runTrainCli(process.argv.slice(2), processIo(), publish, retrainJob(publishRetrainFromEnvironment)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`error: ${firstLine(error)}\n`);
    process.exitCode = 1;
  },
);
