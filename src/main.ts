import './app/node-version';
import cluster from 'node:cluster';
import { requestedWorkers, runPrimary } from './app/cluster-primary';

/**
 * Starts the service: one server process, or with WEB_CONCURRENCY > 1 a primary that only supervises that many
 * node:cluster workers sharing the port (src/app/cluster-primary.ts). The application is loaded only where it
 * serves (src/app/serve.ts), never in the primary.
 */
const workers = requestedWorkers(process.env);
if (cluster.isPrimary && workers > 1) {
  runPrimary(workers);
} else {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy on purpose: the primary never loads it
  const { serve } = require('./app/serve') as typeof import('./app/serve');
  void serve().catch((error: unknown) => {
    process.stderr.write(
      `${JSON.stringify({ level: 'fatal', msg: 'start failed', err: error instanceof Error ? error.stack : String(error) })}\n`,
    );
    process.exit(1);
  });
}
