import { registerAs } from '@nestjs/config';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { hostname } from 'node:os';
import { readEnvironment } from '../config/read-environment';

/** The HTTP service's environment: listener, limits, logging, shutdown and worker processes. */
export class HttpEnvironment {
  @IsString()
  @MaxLength(255)
  HOST = '0.0.0.0';

  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT = 3000;

  /** Largest accepted request body; larger → 413. */
  @Type(() => Number)
  @IsInt()
  @Min(1024)
  @Max(64 * 1024 * 1024)
  BODY_LIMIT_BYTES = 1024 * 1024;

  /** Worker processes started with node:cluster (1 = no cluster; the Helm chart runs 1 per pod). */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(64)
  WEB_CONCURRENCY = 1;

  /** After SIGTERM: readiness turns false, then the process waits this long before it stops accepting. */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(300_000)
  SHUTDOWN_DRAIN_MS = 5000;

  /** Rate limit window and requests per client address within it (per worker process). */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  THROTTLE_TTL_MS = 60_000;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  THROTTLE_LIMIT = 6000;

  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL = 'info';

  /** How many characters of a classified text go into its log line; 0 = none (only length and sha256). */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(10_000)
  LOG_TEXT_PREVIEW_CHARS = 0;

  /** Shown in logs and on the page; Kubernetes sets it from the pod's name. */
  @IsOptional()
  @IsString()
  @Matches(/^[\w.-]{1,253}$/)
  POD_NAME: string = hostname();
}

export type HttpConfig = {
  host: string;
  port: number;
  bodyLimitBytes: number;
  webConcurrency: number;
  shutdownDrainMs: number;
  throttleTtlMs: number;
  throttleLimit: number;
  logLevel: string;
  logTextPreviewChars: number;
  podName: string;
};

export function httpConfigFrom(env: Record<string, unknown> = process.env): HttpConfig {
  const e = readEnvironment(HttpEnvironment, env);
  return {
    host: e.HOST,
    port: e.PORT,
    bodyLimitBytes: e.BODY_LIMIT_BYTES,
    webConcurrency: e.WEB_CONCURRENCY,
    shutdownDrainMs: e.SHUTDOWN_DRAIN_MS,
    throttleTtlMs: e.THROTTLE_TTL_MS,
    throttleLimit: e.THROTTLE_LIMIT,
    logLevel: e.LOG_LEVEL,
    logTextPreviewChars: e.LOG_TEXT_PREVIEW_CHARS,
    podName: e.POD_NAME,
  };
}

export const httpConfig = registerAs('http', (): HttpConfig => httpConfigFrom(process.env));
