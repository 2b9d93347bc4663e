import {
  ExponentialBackoff,
  handleWhen,
  retry,
  type IBackoff,
  type IBackoffFactory,
  type IRetryBackoffContext,
  type RetryPolicy,
} from 'cockatiel';
import {
  isAlreadyExists,
  MlflowApiError,
  MlflowError,
  MlflowTimeoutError,
  MlflowUnavailableError,
  redactUrl,
} from './mlflow-errors';
import { authorizationHeader, type MlflowCredentialsProvider } from './mlflow-credentials';
import { splitLogBatch, validateAlias, type LogBatch } from './mlflow-limits';
import type {
  MlflowExperiment,
  MlflowFileInfo,
  MlflowModelVersion,
  MlflowRegisteredModel,
  MlflowRun,
  MlflowRunInfo,
  MlflowRunStatus,
  MlflowTag,
  MlflowMetric,
} from './mlflow-types';

export interface MlflowClientOptions {
  /** e.g. `http://mlflow:5000`; a path prefix is kept. */
  trackingUri: string;
  /** Per attempt. */
  timeoutMs?: number;
  /** Attempts in all, the first included. */
  maxAttempts?: number;
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  credentials?: MlflowCredentialsProvider;
  /** How long to wait for a model version to leave PENDING_REGISTRATION. */
  registrationTimeoutMs?: number;
  registrationPollMs?: number;
  /** Told before each retry, with the reason of the failed attempt (never a secret). */
  onRetry?: (endpoint: string, attempt: number, reason: string) => void;
}

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE' | 'PUT';
type Query = Record<string, string | number | undefined | readonly string[]>;

/** Network failures and throttling, retried; everything else is final. */
class RetryableFailure extends Error {
  constructor(
    readonly reason: string,
    readonly status?: number,
    readonly errorCode?: string,
    readonly timedOut = false,
    /** From a 429/503 `Retry-After` header. */
    readonly retryAfterMs?: number,
  ) {
    super(reason);
  }
}

/** Exponential backoff with jitter that waits at least as long as a server's `Retry-After` asks (capped). */
class RetryAfterBackoff implements IBackoffFactory<IRetryBackoffContext<unknown>> {
  constructor(
    private readonly inner: IBackoffFactory<IRetryBackoffContext<unknown>>,
    private readonly maxDelayMs: number,
  ) {}

  next(context: IRetryBackoffContext<unknown>): IBackoff<IRetryBackoffContext<unknown>> {
    const step = this.inner.next(context);
    const failure = 'error' in context.result ? context.result.error : undefined;
    const asked = failure instanceof RetryableFailure ? (failure.retryAfterMs ?? 0) : 0;
    return {
      duration: Math.max(step.duration, Math.min(asked, this.maxDelayMs)),
      next: (ctx) => new RetryAfterBackoff(step, this.maxDelayMs).next(ctx),
    };
  }
}

const TRACKING_PREFIX = '/api/2.0/mlflow/';
const ARTIFACTS_PREFIX = '/api/2.0/mlflow-artifacts/artifacts';
/** Codes that mean "nothing happened on the server", so even a POST can be sent again. */
const CONNECT_ERRORS = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

/**
 * A typed client of MLflow's REST API (tracking, registry, artifact proxy), written against the answers of a real
 * 2.17 server: GET sends only a query string, POST/PATCH/DELETE only a JSON body.
 */
export class MlflowClient {
  readonly baseUrl: string;
  private readonly timeoutMs: number;
  private readonly policy: RetryPolicy;
  private readonly credentials: MlflowCredentialsProvider;
  private readonly registrationTimeoutMs: number;
  private readonly registrationPollMs: number;

  constructor(private readonly options: MlflowClientOptions) {
    const url = new URL(options.trackingUri);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new MlflowError(`MLFLOW_TRACKING_URI must be http(s), got "${url.protocol}"`);
    }
    if (url.username || url.password) {
      throw new MlflowError(
        'MLFLOW_TRACKING_URI must not hold credentials; use MLFLOW_TRACKING_USERNAME/PASSWORD or MLFLOW_TRACKING_TOKEN',
      );
    }
    this.baseUrl = url.toString().replace(/\/+$/, '');
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.credentials = options.credentials ?? (() => ({}));
    this.registrationTimeoutMs = options.registrationTimeoutMs ?? 300_000;
    this.registrationPollMs = options.registrationPollMs ?? 1000;
    this.policy = retry(
      handleWhen((error) => error instanceof RetryableFailure),
      {
        maxAttempts: Math.max(0, (options.maxAttempts ?? 4) - 1),
        // Decorrelated jitter (cockatiel's default generator) around an exponential curve.
        backoff: new RetryAfterBackoff(
          new ExponentialBackoff({
            initialDelay: options.initialBackoffMs ?? 250,
            maxDelay: options.maxBackoffMs ?? 10_000,
          }),
          options.maxBackoffMs ?? 10_000,
        ),
      },
    );
  }

  // ---- experiments ----

  async getExperimentByName(name: string): Promise<MlflowExperiment> {
    const body = await this.call<{ experiment: MlflowExperiment }>('GET', 'experiments/get-by-name', {
      query: { experiment_name: name },
    });
    return body.experiment;
  }

  async createExperiment(name: string, tags: MlflowTag[] = []): Promise<string> {
    const body = await this.call<{ experiment_id: string }>('POST', 'experiments/create', { body: { name, tags } });
    return body.experiment_id;
  }

  /** "Already exists" (400 RESOURCE_ALREADY_EXISTS, e.g. a concurrent trainer) counts as success. */
  async getOrCreateExperiment(name: string, tags: MlflowTag[] = []): Promise<MlflowExperiment> {
    try {
      return await this.getExperimentByName(name);
    } catch (error) {
      if (!(error instanceof MlflowApiError && error.errorCode === 'RESOURCE_DOES_NOT_EXIST')) throw error;
    }
    try {
      await this.createExperiment(name, tags);
    } catch (error) {
      if (!isAlreadyExists(error)) throw error;
    }
    return this.getExperimentByName(name);
  }

  // ---- runs ----

  async createRun(input: {
    experimentId: string;
    runName?: string;
    startTime?: number;
    tags?: MlflowTag[];
  }): Promise<MlflowRun> {
    const body = await this.call<{ run: MlflowRun }>('POST', 'runs/create', {
      body: {
        experiment_id: input.experimentId,
        run_name: input.runName,
        start_time: input.startTime ?? Date.now(),
        tags: input.tags ?? [],
      },
    });
    return body.run;
  }

  /** Sends one logical batch in as many requests as MLflow's limits require. */
  async logBatch(runId: string, batch: Partial<LogBatch>): Promise<void> {
    const chunks = splitLogBatch({ metrics: batch.metrics ?? [], params: batch.params ?? [], tags: batch.tags ?? [] });
    for (const chunk of chunks) {
      await this.call('POST', 'runs/log-batch', { body: { run_id: runId, ...chunk } });
    }
  }

  async updateRun(runId: string, status: MlflowRunStatus, endTime?: number): Promise<MlflowRunInfo> {
    const body = await this.call<{ run_info: MlflowRunInfo }>('POST', 'runs/update', {
      body: { run_id: runId, status, end_time: endTime },
    });
    return body.run_info;
  }

  async getRun(runId: string): Promise<MlflowRun> {
    const body = await this.call<{ run: MlflowRun }>('GET', 'runs/get', { query: { run_id: runId } });
    return body.run;
  }

  async getMetricHistory(runId: string, metricKey: string): Promise<MlflowMetric[]> {
    const body = await this.call<{ metrics?: MlflowMetric[] }>('GET', 'metrics/get-history', {
      query: { run_id: runId, metric_key: metricKey },
    });
    return body.metrics ?? [];
  }

  /** All pages of runs/search. */
  async searchRuns(input: {
    experimentIds: string[];
    filter?: string;
    orderBy?: string[];
    maxResults?: number;
  }): Promise<MlflowRun[]> {
    const runs: MlflowRun[] = [];
    let pageToken: string | undefined;
    do {
      const body = await this.call<{ runs?: MlflowRun[]; next_page_token?: string }>('POST', 'runs/search', {
        body: {
          experiment_ids: input.experimentIds,
          filter: input.filter ?? '',
          order_by: input.orderBy ?? [],
          max_results: Math.min(input.maxResults ?? 1000, 1000),
          page_token: pageToken,
        },
      });
      runs.push(...(body.runs ?? []));
      pageToken = body.next_page_token;
    } while (pageToken && (input.maxResults === undefined || runs.length < input.maxResults));
    return input.maxResults === undefined ? runs : runs.slice(0, input.maxResults);
  }

  // ---- artifacts (through the tracking server's proxy) ----

  /** `mlflow-artifacts:/1/<run>/artifacts` → `1/<run>/artifacts`. */
  static proxyPath(artifactUri: string): string {
    const match = /^mlflow-artifacts:(?:\/\/[^/]*)?\/?(.*)$/.exec(artifactUri);
    if (!match) {
      throw new MlflowError(
        `artifact location "${artifactUri}" is not served by the artifact proxy (start the server with --serve-artifacts)`,
      );
    }
    return match[1].replace(/\/+$/, '');
  }

  async uploadArtifact(artifactUri: string, relativePath: string, bytes: Buffer | string): Promise<void> {
    const path = joinArtifactPath(MlflowClient.proxyPath(artifactUri), relativePath);
    await this.send('PUT', `${ARTIFACTS_PREFIX}/${encodePath(path)}`, 'artifacts PUT', {
      raw: typeof bytes === 'string' ? Buffer.from(bytes) : bytes,
    });
  }

  async downloadArtifact(artifactUri: string, relativePath: string): Promise<Buffer> {
    const path = joinArtifactPath(MlflowClient.proxyPath(artifactUri), relativePath);
    const response = await this.send('GET', `${ARTIFACTS_PREFIX}/${encodePath(path)}`, 'artifacts GET', {
      expectRaw: true,
    });
    return response as Buffer;
  }

  async listArtifacts(artifactUri: string, relativePath = ''): Promise<MlflowFileInfo[]> {
    const path = joinArtifactPath(MlflowClient.proxyPath(artifactUri), relativePath);
    const body = (await this.send('GET', ARTIFACTS_PREFIX, 'artifacts list', { query: { path } })) as {
      files?: MlflowFileInfo[];
    };
    return body.files ?? [];
  }

  // ---- registry ----

  async createRegisteredModel(name: string, description?: string): Promise<MlflowRegisteredModel> {
    const body = await this.call<{ registered_model: MlflowRegisteredModel }>('POST', 'registered-models/create', {
      body: { name, description },
    });
    return body.registered_model;
  }

  async getRegisteredModel(name: string): Promise<MlflowRegisteredModel> {
    const body = await this.call<{ registered_model: MlflowRegisteredModel }>('GET', 'registered-models/get', {
      query: { name },
    });
    return body.registered_model;
  }

  async getOrCreateRegisteredModel(name: string, description?: string): Promise<MlflowRegisteredModel> {
    try {
      return await this.createRegisteredModel(name, description);
    } catch (error) {
      if (!isAlreadyExists(error)) throw error;
      return this.getRegisteredModel(name);
    }
  }

  /** Creates a version and waits until it is READY (other stores answer PENDING_REGISTRATION first). */
  async createModelVersion(input: {
    name: string;
    source: string;
    runId?: string;
    description?: string;
    tags?: MlflowTag[];
  }): Promise<MlflowModelVersion> {
    const body = await this.call<{ model_version: MlflowModelVersion }>('POST', 'model-versions/create', {
      body: {
        name: input.name,
        source: input.source,
        run_id: input.runId,
        description: input.description,
        tags: input.tags ?? [],
      },
    });
    return this.waitUntilReady(body.model_version);
  }

  async getModelVersion(name: string, version: string): Promise<MlflowModelVersion> {
    const body = await this.call<{ model_version: MlflowModelVersion }>('GET', 'model-versions/get', {
      query: { name, version },
    });
    return body.model_version;
  }

  async searchModelVersions(name: string): Promise<MlflowModelVersion[]> {
    const versions: MlflowModelVersion[] = [];
    let pageToken: string | undefined;
    do {
      const body = await this.call<{ model_versions?: MlflowModelVersion[]; next_page_token?: string }>(
        'GET',
        'model-versions/search',
        { query: { filter: `name='${name.replace(/'/g, "\\'")}'`, max_results: 1000, page_token: pageToken } },
      );
      versions.push(...(body.model_versions ?? []));
      pageToken = body.next_page_token;
    } while (pageToken);
    return versions;
  }

  async setModelVersionTag(name: string, version: string, key: string, value: string): Promise<void> {
    await this.call('POST', 'model-versions/set-tag', { body: { name, version, key, value } });
  }

  async setAlias(name: string, alias: string, version: string): Promise<void> {
    validateAlias(alias);
    await this.call('POST', 'registered-models/alias', { body: { name, alias, version } });
  }

  /** The version behind an alias. An unknown alias is a 400 INVALID_PARAMETER_VALUE on a real server. */
  async getModelVersionByAlias(name: string, alias: string): Promise<MlflowModelVersion> {
    const body = await this.call<{ model_version: MlflowModelVersion }>('GET', 'registered-models/alias', {
      query: { name, alias },
    });
    return body.model_version;
  }

  async deleteAlias(name: string, alias: string): Promise<void> {
    await this.call('DELETE', 'registered-models/alias', { body: { name, alias } });
  }

  // ---- transport ----

  private async waitUntilReady(version: MlflowModelVersion): Promise<MlflowModelVersion> {
    const deadline = Date.now() + this.registrationTimeoutMs;
    let current = version;
    while (current.status === 'PENDING_REGISTRATION') {
      if (Date.now() > deadline) {
        throw new MlflowError(
          `model version ${current.name} v${current.version} still PENDING_REGISTRATION after ${this.registrationTimeoutMs} ms`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, this.registrationPollMs));
      current = await this.getModelVersion(current.name, current.version);
    }
    if (current.status === 'FAILED_REGISTRATION') {
      throw new MlflowError(
        `model version ${current.name} v${current.version} failed to register: ${current.status_message ?? 'no reason given'}`,
      );
    }
    return current;
  }

  private async call<T>(method: Method, endpoint: string, input: { query?: Query; body?: object }): Promise<T> {
    return (await this.send(method, TRACKING_PREFIX + endpoint, `${method} ${endpoint}`, input)) as T;
  }

  private async send(
    method: Method,
    path: string,
    label: string,
    input: { query?: Query; body?: object; raw?: Buffer; expectRaw?: boolean },
  ): Promise<unknown> {
    const url = new URL(this.baseUrl + path);
    for (const [key, value] of Object.entries(input.query ?? {})) {
      if (value === undefined) continue;
      for (const item of Array.isArray(value) ? value : [value]) url.searchParams.append(key, String(item));
    }
    const idempotent = method === 'GET' || method === 'PUT';
    let lastFailure: RetryableFailure | undefined;
    try {
      return await this.policy.execute(async ({ attempt }) => {
        if (attempt > 0 && lastFailure) this.options.onRetry?.(label, attempt, lastFailure.reason);
        try {
          return await this.attempt(method, url, label, input, idempotent);
        } catch (error) {
          if (error instanceof RetryableFailure) lastFailure = error;
          throw error;
        }
      });
    } catch (error) {
      if (error instanceof RetryableFailure) {
        if (error.timedOut) throw new MlflowTimeoutError(label, this.timeoutMs);
        throw new MlflowUnavailableError(label, error.reason, error.status, error.errorCode);
      }
      throw error;
    }
  }

  private async attempt(
    method: Method,
    url: URL,
    label: string,
    input: { body?: object; raw?: Buffer; expectRaw?: boolean },
    idempotent: boolean,
  ): Promise<unknown> {
    const headers: Record<string, string> = { Accept: 'application/json' };
    const authorization = authorizationHeader(this.credentials());
    if (authorization) headers.Authorization = authorization;
    let body: Buffer | string | undefined;
    if (input.raw) {
      body = input.raw;
      headers['Content-Type'] = 'application/octet-stream';
    } else if (method !== 'GET') {
      body = JSON.stringify(stripUndefined(input.body ?? {}));
      headers['Content-Type'] = 'application/json';
    }
    let response: Response;
    try {
      response = await fetch(url, { method, headers, body, signal: AbortSignal.timeout(this.timeoutMs) });
    } catch (error) {
      const timedOut = isTimeout(error);
      const code = errorCode(error);
      if (timedOut) {
        if (idempotent) throw new RetryableFailure(`timed out after ${this.timeoutMs} ms`, undefined, undefined, true);
        throw new MlflowTimeoutError(label, this.timeoutMs);
      }
      if (idempotent || CONNECT_ERRORS.has(code)) {
        throw new RetryableFailure(`cannot reach ${redactUrl(this.baseUrl)} (${code || 'network error'})`);
      }
      throw new MlflowUnavailableError(label, `connection failed (${code || 'network error'})`);
    }
    let bytes: Buffer;
    try {
      bytes = Buffer.from(await response.arrayBuffer());
    } catch (error) {
      if (isTimeout(error) && idempotent) {
        throw new RetryableFailure(`timed out after ${this.timeoutMs} ms`, undefined, undefined, true);
      }
      throw new MlflowUnavailableError(label, `answer cut off (${errorCode(error) || 'network error'})`);
    }
    if (response.ok) {
      if (input.expectRaw) return bytes;
      return parseJson(bytes, label, response.status);
    }
    const { errorCode: code, message } = parseError(bytes, response.status);
    if (response.status === 429 || response.status === 503) {
      const retryAfter = Number(response.headers.get('retry-after'));
      throw new RetryableFailure(
        `HTTP ${response.status} ${code}`,
        response.status,
        code,
        false,
        Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : undefined,
      );
    }
    throw new MlflowApiError(label, response.status, code, message);
  }
}

function stripUndefined(value: object): object {
  return JSON.parse(JSON.stringify(value)) as object;
}

function parseJson(bytes: Buffer, label: string, status: number): unknown {
  if (bytes.length === 0) return {};
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch {
    throw new MlflowApiError(label, status, 'INVALID_RESPONSE', 'the server did not answer with JSON');
  }
}

function parseError(bytes: Buffer, status: number): { errorCode: string; message: string } {
  try {
    const body = JSON.parse(bytes.toString('utf8')) as { error_code?: unknown; message?: unknown };
    if (typeof body.error_code === 'string') {
      return {
        errorCode: body.error_code,
        message: typeof body.message === 'string' ? body.message.slice(0, 500) : '',
      };
    }
  } catch {
    // An HTML page (unknown route, proxy in front): fall through.
  }
  const fallback: Record<number, string> = {
    401: 'UNAUTHENTICATED',
    403: 'PERMISSION_DENIED',
    404: 'ENDPOINT_NOT_FOUND',
    429: 'REQUEST_LIMIT_EXCEEDED',
    503: 'TEMPORARILY_UNAVAILABLE',
  };
  return { errorCode: fallback[status] ?? (status >= 500 ? 'INTERNAL_ERROR' : 'BAD_REQUEST'), message: '' };
}

function isTimeout(error: unknown): boolean {
  // A DOMException (not always `instanceof Error` across realms), possibly wrapped by fetch as the cause.
  const named = (value: unknown): string | undefined => (value as { name?: string } | null | undefined)?.name;
  return (
    named(error) === 'TimeoutError' ||
    named((error as { cause?: unknown } | null | undefined)?.cause) === 'TimeoutError'
  );
}

function errorCode(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown } } | undefined)?.cause;
  return typeof cause?.code === 'string' ? cause.code : '';
}

function joinArtifactPath(base: string, relative: string): string {
  const clean = relative.replace(/^\/+|\/+$/g, '');
  if (clean.split('/').some((part) => part === '..')) {
    throw new MlflowError(`artifact path "${relative}" must not contain ".."`);
  }
  return clean ? `${base}/${clean}` : base;
}

function encodePath(path: string): string {
  return path.split('/').map(encodeURIComponent).join('/');
}
