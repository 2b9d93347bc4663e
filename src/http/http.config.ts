import { Transform, Type } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { hostname } from 'node:os';
import { defineModuleConfig } from '../config/module-config';
import type { EnvironmentProblem } from '../config/read-environment';

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

  /** The rate-limit window: limits count requests per client address within it, per worker process. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(86_400_000)
  THROTTLE_TTL_MS = 60_000;

  /** Requests per window per client on the page, the page's feedback form and the feedback API. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  THROTTLE_LIMIT = 600;

  /**
   * Requests per window per client on the classification API (predictions, batch, KServe, the seed's /predict).
   * 0 (the default) = not limited: behind a mail gateway or an ingress every caller is one client, and scanning
   * routes of spam filters are not throttled (size the pods instead).
   */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  API_RATE_LIMIT = 0;

  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL = 'info';

  /** How many characters of a classified text go into its log line; 0 = none (only length and sha256). */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(10_000)
  LOG_TEXT_PREVIEW_CHARS = 0;

  /** Shown in logs (never to clients); Kubernetes sets it from the pod's name. */
  @IsOptional()
  @IsString()
  @Matches(/^[\w.-]{1,253}$/)
  POD_NAME: string = hostname();

  /** Behind a reverse proxy: take the client address and protocol from X-Forwarded-* (only `true` turns it on). */
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value === 'true' : value))
  @IsBoolean()
  TRUST_PROXY = false;

  /** A client must send its whole request head within this time, else 408 and the connection is closed. */
  @Type(() => Number)
  @IsInt()
  @Min(100)
  @Max(600_000)
  HEADERS_TIMEOUT_MS = 10_000;

  /** A client must send its whole request (head and body) within this time, else 408 and the connection is closed. */
  @Type(() => Number)
  @IsInt()
  @Min(100)
  @Max(3_600_000)
  REQUEST_TIMEOUT_MS = 30_000;

  /**
   * An idle keep-alive connection is closed after this time. Longer than the usual load-balancer idle timeout (60 s),
   * so the balancer closes first and never sends a request on a connection the service is closing.
   */
  @Type(() => Number)
  @IsInt()
  @Min(100)
  @Max(3_600_000)
  KEEP_ALIVE_TIMEOUT_MS = 72_000;

  /** A connection with no traffic either way for this long (a client not reading its answer) is destroyed. */
  @Type(() => Number)
  @IsInt()
  @Min(100)
  @Max(3_600_000)
  SOCKET_IDLE_TIMEOUT_MS = 120_000;
}

function timeoutProblems(e: HttpEnvironment): EnvironmentProblem[] {
  return typeof e.HEADERS_TIMEOUT_MS === 'number' &&
    typeof e.REQUEST_TIMEOUT_MS === 'number' &&
    e.HEADERS_TIMEOUT_MS > e.REQUEST_TIMEOUT_MS
    ? [{ key: 'HEADERS_TIMEOUT_MS', reason: `must not be longer than REQUEST_TIMEOUT_MS (${e.REQUEST_TIMEOUT_MS})` }]
    : [];
}

/** How long each phase of a connection may take (Node's http server settings). */
export interface HttpTimeouts {
  headersMs: number;
  requestMs: number;
  keepAliveMs: number;
  socketIdleMs: number;
}

export type HttpConfig = {
  host: string;
  port: number;
  bodyLimitBytes: number;
  webConcurrency: number;
  shutdownDrainMs: number;
  throttleTtlMs: number;
  throttleLimit: number;
  apiRateLimit: number;
  logLevel: string;
  logTextPreviewChars: number;
  podName: string;
  trustProxy: boolean;
  timeouts: HttpTimeouts;
};

export const httpConfig = defineModuleConfig({
  namespace: 'http',
  environment: HttpEnvironment,
  toConfig: (e): HttpConfig => ({
    host: e.HOST,
    port: e.PORT,
    bodyLimitBytes: e.BODY_LIMIT_BYTES,
    webConcurrency: e.WEB_CONCURRENCY,
    shutdownDrainMs: e.SHUTDOWN_DRAIN_MS,
    throttleTtlMs: e.THROTTLE_TTL_MS,
    throttleLimit: e.THROTTLE_LIMIT,
    apiRateLimit: e.API_RATE_LIMIT,
    logLevel: e.LOG_LEVEL,
    logTextPreviewChars: e.LOG_TEXT_PREVIEW_CHARS,
    podName: e.POD_NAME,
    trustProxy: e.TRUST_PROXY,
    timeouts: {
      headersMs: e.HEADERS_TIMEOUT_MS,
      requestMs: e.REQUEST_TIMEOUT_MS,
      keepAliveMs: e.KEEP_ALIVE_TIMEOUT_MS,
      socketIdleMs: e.SOCKET_IDLE_TIMEOUT_MS,
    },
  }),
  check: timeoutProblems,
});

/**
 * Fastify's server options for these timeouts. Node checks the head and request timeouts every
 * `connectionsCheckingInterval` (30 s by default, which would let a 10 s timeout run to 40 s), so it follows the
 * shorter timeout.
 */
export function serverTimeoutOptions(t: HttpTimeouts): {
  connectionTimeout: number;
  keepAliveTimeout: number;
  requestTimeout: number;
  http: { headersTimeout: number; requestTimeout: number; connectionsCheckingInterval: number };
} {
  return {
    connectionTimeout: t.socketIdleMs,
    keepAliveTimeout: t.keepAliveMs,
    requestTimeout: t.requestMs,
    http: {
      headersTimeout: t.headersMs,
      requestTimeout: t.requestMs,
      connectionsCheckingInterval: Math.max(50, Math.min(1000, Math.floor(t.headersMs / 4))),
    },
  };
}

/** This module's environment validated alone (tests, tools); the service validates every module at once. */
export function httpConfigFrom(env: Record<string, unknown>): HttpConfig {
  return httpConfig.from(env);
}
