import type { Logger as PinoLogger } from 'pino';
import type { VaultLogger } from './vault-session';

/** Writes the Vault session's lines through the service's pino logger (JSON, context "Vault"), e.g. before Nest
 * exists: `loadSecretsBeforeBootstrap(process.env, { logger: pinoVaultLogger(rootLogger) })`. */
export function pinoVaultLogger(logger: Pick<PinoLogger, 'info' | 'warn' | 'error'>): VaultLogger {
  return {
    log: (message: unknown) => logger.info({ context: 'Vault' }, String(message)),
    warn: (message: unknown) => logger.warn({ context: 'Vault' }, String(message)),
    error: (message: unknown) => logger.error({ context: 'Vault' }, String(message)),
  };
}
