import cluster from 'node:cluster';
import { ENVIRONMENT_VALID, EXIT_CONFIG, REPORTS_CONFIG_ERRORS, type EnvironmentValidMessage } from './cluster-primary';
import { InvalidEnvironmentError, loadEnvironment, type AppConfig } from './environment';

/**
 * One server process (the only one, or a node:cluster worker): validates the environment (one message listing
 * every bad key, exit 78), tells the cluster primary where the model lives, then starts the server (server.ts).
 */
export async function serve(): Promise<void> {
  let config: AppConfig;
  try {
    config = loadEnvironment(process.env);
  } catch (error) {
    if (error instanceof InvalidEnvironmentError) {
      // Workers forked together validate the same environment: the first one says what is wrong.
      if (process.env[REPORTS_CONFIG_ERRORS] !== '0') process.stderr.write(`${error.message}\n`);
      process.exit(EXIT_CONFIG);
    }
    throw error;
  }
  if (cluster.isWorker) {
    const { modelPath, modelDir } = config.classifier;
    process.send?.({ type: ENVIRONMENT_VALID, modelPath, modelDir } satisfies EnvironmentValidMessage);
  }
  // The application is loaded after the primary was told, so the other workers start loading theirs meanwhile.
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy on purpose, see above
  const { startServer } = require('./server') as typeof import('./server');
  await startServer(config);
}
