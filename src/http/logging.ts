import type { LoggerService } from '@nestjs/common';
import pino, { type DestinationStream, type Logger, type LoggerOptions } from 'pino';

export const ROOT_LOGGER = Symbol('ROOT_LOGGER');

/**
 * Paths pino replaces with "[Redacted]": credentials never reach the logs. Fixed paths only: pino compiles them into one cheap function, while wildcard paths (`*.password`) walk every key
 * of every line. Secrets reach logs only through request headers and error objects; values inside messages are
 * the secret owners' business (SecretsService never logs values).
 */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'req.headers["x-vault-token"]',
  'res.headers["set-cookie"]',
  'err.config.headers.Authorization',
  'err.config.headers.authorization',
  'err.options.headers.authorization',
];

export function rootLoggerOptions(level: string, podName: string): LoggerOptions {
  return {
    level,
    base: { pid: process.pid, pod_name: podName },
    // Epoch milliseconds (pino's default): cheaper than ISO strings on every line; Elasticsearch maps both.
    redact: { paths: REDACTED_PATHS, censor: '[Redacted]' },
    formatters: { level: (label) => ({ level: label }) },
  };
}

/** The application's one pino instance; nestjs-pino and the prediction log line both write through it. */
export function createRootLogger(level: string, podName: string, stream?: DestinationStream): Logger {
  return stream ? pino(rootLoggerOptions(level, podName), stream) : pino(rootLoggerOptions(level, podName));
}

/** Nest's own start-up chatter (one line per module and per route, ~60 lines): logged at debug level. */
const START_UP_CONTEXTS = new Set(['RoutesResolver', 'RouterExplorer', 'InstanceLoader']);

/**
 * Nest's logger (nestjs-pino) with the route-mapping and module-loading lines moved to debug, so the lines an
 * operator needs at start (the URL to open, the model, the stores) are not buried.
 */
export class QuietStartupLogger implements LoggerService {
  constructor(private readonly inner: LoggerService) {}

  log(message: unknown, ...optionalParams: unknown[]): void {
    const context = optionalParams[optionalParams.length - 1];
    if (typeof context === 'string' && START_UP_CONTEXTS.has(context)) {
      this.inner.debug?.(message, ...optionalParams);
      return;
    }
    this.inner.log(message, ...optionalParams);
  }

  error(message: unknown, ...optionalParams: unknown[]): void {
    this.inner.error(message, ...optionalParams);
  }

  warn(message: unknown, ...optionalParams: unknown[]): void {
    this.inner.warn(message, ...optionalParams);
  }

  debug(message: unknown, ...optionalParams: unknown[]): void {
    this.inner.debug?.(message, ...optionalParams);
  }

  verbose(message: unknown, ...optionalParams: unknown[]): void {
    this.inner.verbose?.(message, ...optionalParams);
  }

  fatal(message: unknown, ...optionalParams: unknown[]): void {
    this.inner.fatal?.(message, ...optionalParams);
  }
}
