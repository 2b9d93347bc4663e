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
