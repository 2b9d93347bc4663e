import cluster from 'node:cluster';
import { setTimeout as sleep } from 'node:timers/promises';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Logger } from 'pino';
import { EXIT_CONFIG } from './cluster-primary';
import { createApp } from './create-app';
import type { AppConfig } from './environment';
import { productionAppOptions } from './production-wiring';
import { ROOT_LOGGER } from '../http/logging';
import { ReadinessRegistry } from '../health/readiness.registry';
import { ModelHolder } from '../classifier/model-holder.service';
import { registerClusterReadiness } from './cluster-readiness';
import { collectStartGarbageOnce } from './start-up-garbage';
import { loadSecretsBeforeBootstrap } from '../vault/load-secrets';

/**
 * Loads Vault secrets (exit 78 when Vault is unusable), builds the application from the validated configuration and
 * listens. SIGTERM: readiness turns false, the process waits SHUTDOWN_DRAIN_MS (Kubernetes' preStop window), then
 * stops accepting and lets requests in flight finish before it exits. Without DATABASE_URL every worker opens the
 * same SQLite feedback file itself.
 */
export async function startServer(config: AppConfig): Promise<void> {
  const { http } = config;
  try {
    // Vault (or Vault Agent files) fill SecretsService before any module is built.
    await loadSecretsBeforeBootstrap(process.env, { settings: config.vault });
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(EXIT_CONFIG);
  }
  const app = await createApp({ ...productionAppOptions(), config });
  const holder = app.get(ModelHolder);
  // Registered first, so the start's garbage is collected before a worker tells the primary it can serve.
  collectStartGarbageOnce(holder);
  // A worker is ready only when every worker of the cluster can serve (the port is shared).
  if (cluster.isWorker) registerClusterReadiness(app.get(ReadinessRegistry), holder, process);
  await app.listen({ port: http.port, host: http.host });
  // One line says where to go (the first worker's, in a cluster); Nest's route list is at debug level.
  if (!cluster.isWorker || cluster.worker?.id === 1) {
    const host = http.host === '0.0.0.0' || http.host === '::' ? 'localhost' : http.host;
    const url = `http://${host}:${http.port}/`;
    app
      .get<Logger>(ROOT_LOGGER)
      .child({ context: 'Start' })
      .info({ url }, `listening: open ${url} for the page, ${url}api/docs for the API`);
  }
  handleSignals(app, http.shutdownDrainMs);
}

function handleSignals(app: NestFastifyApplication, drainMs: number): void {
  let stopping = false;
  const stop = async (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    const log = app.get<Logger>(ROOT_LOGGER).child({ context: 'Shutdown' });
    app.get(ReadinessRegistry).beginDrain();
    log.info({ signal, drain_ms: drainMs }, 'not ready: draining before closing');
    if (signal === 'SIGTERM' && drainMs > 0) await sleep(drainMs);
    await app.close();
    log.info('closed: requests in flight finished');
    process.exit(0);
  };
  process.on('SIGTERM', (s) => void stop(s));
  process.on('SIGINT', (s) => void stop(s));
}
