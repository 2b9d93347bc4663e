import './app/node-version';
import cluster from 'node:cluster';
import { setTimeout as sleep } from 'node:timers/promises';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { ensureModelArtifact } from './classifier/model-loader.service';
import { EngineDefaultModelTrainer } from './app/default-model-trainer';
import { productionAppOptions } from './app/production-wiring';
import { createApp } from './app/create-app';
import { InvalidEnvironmentError, loadEnvironment, type AppConfig } from './app/environment';
import type { Logger } from 'pino';
import { ROOT_LOGGER } from './http/logging';
import { ReadinessRegistry } from './health/readiness.registry';
import { loadSecretsBeforeBootstrap } from './vault/load-secrets';

/**
 * Starts the service: validates the environment (one message listing every bad key), then either one server or,
 * with WEB_CONCURRENCY > 1, that many node:cluster workers sharing the port. SIGTERM: readiness turns false,
 * the process waits SHUTDOWN_DRAIN_MS (Kubernetes' preStop window), then stops accepting and lets requests in
 * flight finish before it exits. Without DATABASE_URL every worker opens the same SQLite feedback file itself.
 */
async function main(): Promise<void> {
  let config: AppConfig;
  try {
    config = loadEnvironment(process.env);
  } catch (error) {
    if (error instanceof InvalidEnvironmentError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(78);
    }
    throw error;
  }
  const { http } = config;
  if (http.webConcurrency > 1 && cluster.isPrimary) {
    await ensureModelArtifact(config.classifier, new EngineDefaultModelTrainer());
    return runPrimary(http.webConcurrency);
  }
  try {
    // Vault (or Vault Agent files) fill SecretsService before any module is built.
    await loadSecretsBeforeBootstrap(process.env, { settings: config.vault });
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(78);
  }
  const app = await createApp({ ...productionAppOptions(), config });
  await app.listen({ port: http.port, host: http.host });
  handleSignals(app, http.shutdownDrainMs);
}

function runPrimary(workers: number): void {
  let stopping = false;
  for (let i = 0; i < workers; i++) cluster.fork();
  cluster.on('exit', (worker, code, signal) => {
    if (stopping) {
      if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(0);
      return;
    }
    process.stderr.write(
      `${JSON.stringify({ level: 'error', msg: `worker ${worker.process.pid} exited (${signal ?? code}); starting another` })}\n`,
    );
    cluster.fork();
  });
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill(signal);
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
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

void main().catch((error: unknown) => {
  process.stderr.write(
    `${JSON.stringify({ level: 'fatal', msg: 'start failed', err: error instanceof Error ? error.stack : String(error) })}\n`,
  );
  process.exit(1);
});
