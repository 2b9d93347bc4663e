import './app/node-version';
import cluster from 'node:cluster';
import { enableCompileCache } from 'node:module';
import { requestedWorkers, runPrimary } from './app/cluster-primary';

/**
 * Starts the service: one server process, or with WEB_CONCURRENCY > 1 a primary that only supervises that many
 * node:cluster workers sharing the port (src/app/cluster-primary.ts). The application is loaded only where it
 * serves (src/app/serve.ts), never in the primary.
 */
// V8's compiled code of the application and its packages is kept on disk (the OS temp folder) after the first
// start, which makes a later start's module loading about twice as fast; an unwritable folder just skips it.
enableCompileCache();
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
