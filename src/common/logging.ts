import pino, { type DestinationStream, type Logger, type LoggerOptions } from 'pino';

export const ROOT_LOGGER = Symbol('ROOT_LOGGER');

/** Paths pino replaces with "[Redacted]": credentials never reach the logs. */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'res.headers["set-cookie"]',
  '*.password',
  '*.token',
  '*.secret',
  '*.ADMIN_API_TOKEN',
  '*.DATABASE_URL',
];

export function rootLoggerOptions(level: string, podName: string): LoggerOptions {
  return {
    level,
    base: { pid: process.pid, pod_name: podName },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: REDACTED_PATHS, censor: '[Redacted]' },
    formatters: { level: (label) => ({ level: label }) },
  };
}

/** The application's one pino instance; nestjs-pino and the prediction log line both write through it. */
export function createRootLogger(level: string, podName: string, stream?: DestinationStream): Logger {
  return stream ? pino(rootLoggerOptions(level, podName), stream) : pino(rootLoggerOptions(level, podName));
}
