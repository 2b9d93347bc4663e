import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/**
 * A test double of an MLflow 2.17 tracking server (SQLite backend, `--serve-artifacts`), answering as recorded in
 * ../shared/notes/mlflow-rest.md: GET reads only the query string, POST/PATCH/DELETE only a JSON body sent as
 * application/json; errors are `{"error_code","message"}` with the recorded statuses (duplicate name → 400,
 * unknown alias → 400, missing proxied artifact → 500, unknown route → an HTML 404); int64 as numbers, ids as strings.
 * Faults can be injected per request: refused connections (see `unusedUrl`), 500, 503, 429, slow answers, resets
 * and corrupted artifact bytes.
 */

export type MlflowFault =
  | { kind: 'status'; status: 429 | 500 | 503; times?: number; match?: RegExp; retryAfterSeconds?: number }
  | { kind: 'slow'; delayMs: number; times?: number; match?: RegExp }
  | { kind: 'reset'; times?: number; match?: RegExp }
  | { kind: 'corrupt-artifact'; times?: number; match?: RegExp };

export interface MlflowDoubleOptions {
  /** When set, every request needs this bearer token or these basic credentials (401 otherwise). */
  auth?: { token?: string; username?: string; password?: string };
  /** New model versions answer PENDING_REGISTRATION for this many model-versions/get calls. */
  pendingRegistrationPolls?: number;
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  contentType?: string;
  authorization?: string;
  body: Buffer;
}

interface Tag {
  key: string;
  value: string;
}
interface Metric {
  key: string;
  value: number;
  timestamp: number;
  step: number;
}
interface RunState {
  info: Record<string, unknown> & { run_id: string; experiment_id: string; artifact_uri: string; status: string };
  params: Map<string, string>;
  metrics: Metric[];
  tags: Map<string, string>;
}
interface VersionState {
  name: string;
  version: string;
  creation_timestamp: number;
  last_updated_timestamp: number;
  current_stage: string;
  description?: string;
  source: string;
  run_id?: string;
  run_link: string;
  status: string;
  tags: Map<string, string>;
  pendingPolls: number;
}
interface ModelState {
  name: string;
  creation_timestamp: number;
  last_updated_timestamp: number;
  description?: string;
  aliases: Map<string, string>;
  versions: Map<string, VersionState>;
  nextVersion: number;
}

class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

type Params = { get(key: string): unknown; all(key: string): unknown[] };
type Handler = (params: Params, req: IncomingMessage) => unknown;

const NAME = /^[/\w.\- ]*$/;
const ALIAS = /^[\w-]*$/;
const NOT_FOUND_PAGE =
  '<!doctype html>\n<html lang=en>\n<title>404 Not Found</title>\n<h1>Not Found</h1>\n<p>The requested URL was not found on the server. If you entered the URL manually please check your spelling and try again.</p>\n';
const METHOD_NOT_ALLOWED_PAGE =
  '<!doctype html>\n<html lang=en>\n<title>405 Method Not Allowed</title>\n<h1>Method Not Allowed</h1>\n<p>The method is not allowed for the requested URL.</p>\n';

export class MlflowServerDouble {
  readonly requests: RecordedRequest[] = [];
  private readonly faults: MlflowFault[] = [];
  private readonly experiments = new Map<
    string,
    Record<string, unknown> & { name: string; tags: Map<string, string> }
  >();
  private readonly runs = new Map<string, RunState>();
  private readonly artifacts = new Map<string, Buffer>();
  private readonly models = new Map<string, ModelState>();
  private readonly sockets = new Set<Socket>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private nextExperimentId = 1;
  private readonly routes = new Map<string, Handler>();
  private server!: Server;
  url = '';

  private constructor(private readonly options: MlflowDoubleOptions) {
    const now = Date.now();
    this.experiments.set('0', {
      experiment_id: '0',
      name: 'Default',
      artifact_location: 'mlflow-artifacts:/0',
      lifecycle_stage: 'active',
      creation_time: now,
      last_update_time: now,
      tags: new Map(),
    });
    this.defineRoutes();
  }

  static async start(options: MlflowDoubleOptions = {}): Promise<MlflowServerDouble> {
    const double = new MlflowServerDouble(options);
    double.server = createServer((req, res) => {
      // A client that gave up (timeout, reset) leaves a broken request behind: drop it quietly.
      double.handle(req, res).catch(() => res.destroy());
    });
    double.server.on('connection', (socket) => {
      double.sockets.add(socket);
      socket.on('close', () => double.sockets.delete(socket));
    });
    await new Promise<void>((resolve) => double.server.listen(0, '127.0.0.1', resolve));
    double.url = `http://127.0.0.1:${(double.server.address() as AddressInfo).port}`;
    return double;
  }

  /** A URL on which nothing listens (connection refused). */
  static async unusedUrl(): Promise<string> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    return `http://127.0.0.1:${port}`;
  }

  inject(fault: MlflowFault): void {
    this.faults.push({ ...fault, times: fault.times ?? 1 });
  }

  clearFaults(): void {
    this.faults.length = 0;
  }

  /** Test-side look at stored artifact bytes, e.g. to corrupt them at rest. */
  setArtifactBytes(path: string, bytes: Buffer): void {
    this.artifacts.set(path, bytes);
  }

  artifactPaths(): string[] {
    return [...this.artifacts.keys()];
  }

  async close(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  // ---- dispatch ----

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const url = new URL(req.url ?? '/', 'http://double');
    const method = req.method ?? 'GET';
    this.requests.push({
      method,
      path: url.pathname,
      query: url.searchParams,
      contentType: req.headers['content-type'],
      authorization: req.headers.authorization,
      body,
    });
    const fault = this.takeFault(url.pathname, (f) => f.kind !== 'corrupt-artifact');
    if (fault?.kind === 'reset') {
      req.socket.destroy();
      return;
    }
    if (fault?.kind === 'slow') {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          this.timers.delete(timer);
          resolve();
        }, fault.delayMs);
        this.timers.add(timer);
      });
      if (res.destroyed || req.socket.destroyed) return;
    }
    if (fault?.kind === 'status') {
      const code = { 429: 'REQUEST_LIMIT_EXCEEDED', 500: 'INTERNAL_ERROR', 503: 'TEMPORARILY_UNAVAILABLE' }[
        fault.status
      ];
      if (fault.retryAfterSeconds !== undefined) res.setHeader('Retry-After', String(fault.retryAfterSeconds));
      this.json(res, fault.status, { error_code: code, message: `injected fault: HTTP ${fault.status}` });
      return;
    }
    if (!this.authorized(req)) {
      res.writeHead(401, { 'Content-Type': 'text/plain', 'WWW-Authenticate': 'Basic realm="mlflow"' });
      res.end('You are not authenticated. Please see https://www.mlflow.org/docs/latest/auth/index.html');
      return;
    }
    try {
      if (url.pathname.startsWith('/api/2.0/mlflow-artifacts/artifacts')) {
        this.handleArtifacts(method, url, body, res);
        return;
      }
      const routeKey = `${method} ${url.pathname}`;
      const handler = this.routes.get(routeKey);
      if (!handler) {
        const known = [...this.routes.keys()].some((key) => key.endsWith(` ${url.pathname}`));
        res.writeHead(known ? 405 : 404, { 'Content-Type': 'text/html; charset=utf-8' });
        res.end(known ? METHOD_NOT_ALLOWED_PAGE : NOT_FOUND_PAGE);
        return;
      }
      const params = method === 'GET' ? queryParams(url.searchParams) : bodyParams(req, body);
      this.json(res, 200, handler(params, req) ?? {});
    } catch (error) {
      if (error instanceof ApiError) {
        this.json(res, error.status, { error_code: error.code, message: error.message });
      } else {
        this.json(res, 500, { error_code: 'INTERNAL_ERROR', message: String(error) });
      }
    }
  }

  private takeFault(path: string, accept: (fault: MlflowFault) => boolean): MlflowFault | undefined {
    const index = this.faults.findIndex((f) => accept(f) && (!f.match || f.match.test(path)));
    if (index < 0) return undefined;
    const fault = this.faults[index];
    fault.times = (fault.times ?? 1) - 1;
    if (fault.times <= 0) this.faults.splice(index, 1);
    return fault;
  }

  private authorized(req: IncomingMessage): boolean {
    const auth = this.options.auth;
    if (!auth) return true;
    const header = req.headers.authorization ?? '';
    if (auth.token && header === `Bearer ${auth.token}`) return true;
    if (auth.username !== undefined && auth.password !== undefined) {
      const expected = `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}`;
      if (header === expected) return true;
    }
    return false;
  }

  private json(res: ServerResponse, status: number, body: unknown): void {
    res.writeHead(status, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify(body));
  }

  // ---- artifact proxy ----

  private handleArtifacts(method: string, url: URL, body: Buffer, res: ServerResponse): void {
    const rest = url.pathname.slice('/api/2.0/mlflow-artifacts/artifacts'.length);
    if (rest === '' || rest === '/') {
      if (method !== 'GET') throw new ApiError(405, 'BAD_REQUEST', 'method not allowed');
      const path = (url.searchParams.get('path') ?? '').replace(/^\/+|\/+$/g, '');
      this.json(res, 200, this.listDirectory(path, false));
      return;
    }
    const path = decodeURIComponent(rest.slice(1));
    if (path.split('/').includes('..')) throw new ApiError(400, 'INVALID_PARAMETER_VALUE', `Invalid path: ${path}`);
    if (method === 'PUT') {
      this.artifacts.set(path, body);
      this.json(res, 200, {});
      return;
    }
    if (method === 'GET') {
      const bytes = this.artifacts.get(path);
      if (!bytes) {
        throw new ApiError(500, 'INTERNAL_ERROR', `[Errno 2] No such file or directory: '/mlartifacts/${path}'`);
      }
      const corrupt = this.takeFault(url.pathname, (f) => f.kind === 'corrupt-artifact');
      const out = corrupt ? corruptBytes(bytes) : bytes;
      const filename = path.split('/').pop() ?? 'artifact';
      res.writeHead(200, {
        'Content-Type': guessContentType(filename),
        'Content-Disposition': `attachment; filename=${filename}`,
        'Content-Length': out.length,
      });
      res.end(out);
      return;
    }
    res.writeHead(405, { 'Content-Type': 'text/html; charset=utf-8' });
    res.end(METHOD_NOT_ALLOWED_PAGE);
  }

  /** Direct children of `dir`; `fromRoot` names them relative to `rootLength` (artifacts/list) instead. */
  private listDirectory(dir: string, fromRoot: false | string): { files?: Array<Record<string, unknown>> } {
    const prefix = dir ? `${dir}/` : '';
    const entries = new Map<string, Record<string, unknown>>();
    for (const [path, bytes] of this.artifacts) {
      if (!path.startsWith(prefix)) continue;
      const [head, ...tail] = path.slice(prefix.length).split('/');
      const name = fromRoot === false ? head : `${fromRoot ? `${fromRoot}/` : ''}${head}`;
      entries.set(
        name,
        tail.length > 0 ? { path: name, is_dir: true } : { path: name, is_dir: false, file_size: bytes.length },
      );
    }
    const files = [...entries.values()].sort((a, b) => String(a.path).localeCompare(String(b.path)));
    return files.length ? { files } : {};
  }

  // ---- tracking and registry routes ----

  private defineRoutes(): void {
    const r = (method: string, endpoint: string, handler: Handler): void => {
      this.routes.set(`${method} /api/2.0/mlflow/${endpoint}`, handler);
    };

    r('POST', 'experiments/create', (p) => {
      const name = required(p, 'name');
      checkName(name, 'experiment name');
      if ([...this.experiments.values()].some((e) => e.name === name)) {
        throw new ApiError(
          400,
          'RESOURCE_ALREADY_EXISTS',
          `Experiment(name=${name}) already exists. Error: (raised as a result of Query-invoked autoflush; consider using a session.no_autoflush block if this flush is occurring prematurely)`,
        );
      }
      const id = String(this.nextExperimentId++);
      const now = Date.now();
      this.experiments.set(id, {
        experiment_id: id,
        name,
        artifact_location: String(p.get('artifact_location') ?? `mlflow-artifacts:/${id}`),
        lifecycle_stage: 'active',
        creation_time: now,
        last_update_time: now,
        tags: new Map(tagList(p.all('tags')).map((t) => [t.key, t.value])),
      });
      return { experiment_id: id };
    });
    r('GET', 'experiments/get-by-name', (p) => {
      const name = required(p, 'experiment_name');
      const experiment = [...this.experiments.values()].find((e) => e.name === name);
      if (!experiment)
        throw new ApiError(404, 'RESOURCE_DOES_NOT_EXIST', `Could not find experiment with name '${name}'`);
      return { experiment: experimentView(experiment) };
    });
    r('GET', 'experiments/get', (p) => {
      const id = required(p, 'experiment_id');
      const experiment = this.experiments.get(id);
      if (!experiment) throw new ApiError(404, 'RESOURCE_DOES_NOT_EXIST', `No Experiment with id=${id} exists`);
      return { experiment: experimentView(experiment) };
    });
    r('POST', 'experiments/search', (p) => {
      const max = Number(p.get('max_results') ?? 0);
      if (!Number.isInteger(max) || max < 1 || max > 50000) {
        throw new ApiError(
          400,
          'INVALID_PARAMETER_VALUE',
          `Invalid value ${max} for parameter 'max_results' supplied. It must be a positive integer`,
        );
      }
      const experiments = [...this.experiments.values()].slice(0, max).map(experimentView);
      return experiments.length ? { experiments } : {};
    });

    r('POST', 'runs/create', (p) => {
      const experimentId = String(p.get('experiment_id') ?? '0');
      const experiment = this.experiments.get(experimentId);
      if (!experiment)
        throw new ApiError(404, 'RESOURCE_DOES_NOT_EXIST', `No Experiment with id=${experimentId} exists`);
      const runId = randomUUID().replace(/-/g, '');
      const runName = String(p.get('run_name') ?? `double-run-${runId.slice(0, 6)}`);
      const tags = new Map(tagList(p.all('tags')).map((t) => [t.key, t.value]));
      tags.set('mlflow.runName', runName);
      const info: RunState['info'] = {
        run_uuid: runId,
        experiment_id: experimentId,
        run_name: runName,
        user_id: String(p.get('user_id') ?? ''),
        status: 'RUNNING',
        start_time: Number(p.get('start_time') ?? Date.now()),
        artifact_uri: `${String(experiment.artifact_location)}/${runId}/artifacts`,
        lifecycle_stage: 'active',
        run_id: runId,
      };
      const run: RunState = { info, params: new Map(), metrics: [], tags };
      this.runs.set(runId, run);
      return { run: runView(run) };
    });
    r('POST', 'runs/log-batch', (p) => {
      const run = this.run(required(p, 'run_id'));
      const metrics = (p.all('metrics') as Array<Record<string, unknown>>) ?? [];
      const params = tagList(p.all('params'));
      const tags = tagList(p.all('tags'));
      if (
        metrics.length > 1000 ||
        params.length > 100 ||
        tags.length > 100 ||
        metrics.length + params.length + tags.length > 1000
      ) {
        throw new ApiError(
          400,
          'INVALID_PARAMETER_VALUE',
          `A batch logging request can contain at most 1000 metrics, 100 params, 100 tags and 1000 entities in total. Got ${metrics.length} metrics, ${params.length} params, ${tags.length} tags`,
        );
      }
      for (const param of params) {
        checkKey(param.key, 'param');
        if (param.value.length > 6000)
          throw new ApiError(
            400,
            'INVALID_PARAMETER_VALUE',
            `Param value '${param.value.slice(0, 20)}...' had length ${param.value.length}, which exceeded length limit of 6000`,
          );
        const existing = run.params.get(param.key);
        if (existing !== undefined && existing !== param.value) {
          throw new ApiError(
            400,
            'INVALID_PARAMETER_VALUE',
            `Changing param values is not allowed. Param with key='${param.key}' was already logged with value='${existing}' for run ID='${run.info.run_id}'. Attempted logging new value '${param.value}'.`,
          );
        }
      }
      for (const tag of tags) {
        checkKey(tag.key, 'tag');
        if (tag.value.length > 8000)
          throw new ApiError(
            400,
            'INVALID_PARAMETER_VALUE',
            `Tag value had length ${tag.value.length}, which exceeded length limit of 8000`,
          );
      }
      for (const metric of metrics) {
        checkKey(String(metric.key ?? ''), 'metric');
        if (typeof metric.value !== 'number' || metric.timestamp === undefined) {
          throw new ApiError(400, 'INVALID_PARAMETER_VALUE', `Invalid metric: ${JSON.stringify(metric)}`);
        }
      }
      for (const param of params) run.params.set(param.key, param.value);
      for (const tag of tags) run.tags.set(tag.key, tag.value);
      for (const m of metrics) {
        run.metrics.push({
          key: String(m.key),
          value: m.value as number,
          timestamp: Number(m.timestamp),
          step: Number(m.step ?? 0),
        });
      }
      return {};
    });
    r('POST', 'runs/update', (p) => {
      const run = this.run(required(p, 'run_id'));
      if (p.get('status') !== undefined) run.info.status = String(p.get('status'));
      if (p.get('end_time') !== undefined) run.info.end_time = Number(p.get('end_time'));
      if (p.get('run_name') !== undefined) run.info.run_name = String(p.get('run_name'));
      return { run_info: { ...run.info } };
    });
    r('GET', 'runs/get', (p) => ({ run: { ...runView(this.run(required(p, 'run_id'))), inputs: {} } }));
    r('GET', 'metrics/get-history', (p) => {
      const run = this.run(required(p, 'run_id'));
      const key = required(p, 'metric_key');
      const metrics = run.metrics.filter((m) => m.key === key);
      return metrics.length ? { metrics } : {};
    });
    r('POST', 'runs/search', (p) => {
      const ids = (p.all('experiment_ids') as string[]).map(String);
      const filter = parseRunFilter(String(p.get('filter') ?? ''));
      const max = Number(p.get('max_results') ?? 1000);
      const offset = p.get('page_token') ? Number(Buffer.from(String(p.get('page_token')), 'base64').toString()) : 0;
      const matching = [...this.runs.values()]
        .filter((run) => ids.includes(run.info.experiment_id) && filter(run))
        .sort((a, b) => Number(b.info.start_time) - Number(a.info.start_time));
      const page = matching.slice(offset, offset + max);
      const out: Record<string, unknown> = {};
      if (page.length) out.runs = page.map(runView);
      if (offset + max < matching.length) out.next_page_token = Buffer.from(String(offset + max)).toString('base64');
      return out;
    });
    r('GET', 'artifacts/list', (p) => {
      const run = this.run(required(p, 'run_id'));
      const path = String(p.get('path') ?? '').replace(/^\/+|\/+$/g, '');
      const root = run.info.artifact_uri.replace(/^mlflow-artifacts:\/?/, '');
      return { root_uri: run.info.artifact_uri, ...this.listDirectory(path ? `${root}/${path}` : root, path) };
    });

    r('POST', 'registered-models/create', (p) => {
      const name = required(p, 'name');
      checkName(name, 'registered model name');
      if (this.models.has(name))
        throw new ApiError(400, 'RESOURCE_ALREADY_EXISTS', `Registered Model (name=${name}) already exists.`);
      const now = Date.now();
      const model: ModelState = {
        name,
        creation_timestamp: now,
        last_updated_timestamp: now,
        aliases: new Map(),
        versions: new Map(),
        nextVersion: 1,
      };
      if (p.get('description') !== undefined) model.description = String(p.get('description'));
      this.models.set(name, model);
      return { registered_model: this.modelView(model) };
    });
    r('GET', 'registered-models/get', (p) => ({ registered_model: this.modelView(this.model(required(p, 'name'))) }));
    r('POST', 'model-versions/create', (p) => {
      const model = this.model(required(p, 'name'));
      const source = required(p, 'source');
      const now = Date.now();
      const version: VersionState = {
        name: model.name,
        version: String(model.nextVersion++),
        creation_timestamp: now,
        last_updated_timestamp: now,
        current_stage: 'None',
        source,
        run_link: '',
        status: this.options.pendingRegistrationPolls ? 'PENDING_REGISTRATION' : 'READY',
        tags: new Map(tagList(p.all('tags')).map((t) => [t.key, t.value])),
        pendingPolls: this.options.pendingRegistrationPolls ?? 0,
      };
      if (p.get('run_id') !== undefined) version.run_id = String(p.get('run_id'));
      if (p.get('description') !== undefined) version.description = String(p.get('description'));
      model.versions.set(version.version, version);
      model.last_updated_timestamp = now;
      return { model_version: this.versionView(model, version) };
    });
    r('GET', 'model-versions/get', (p) => {
      const model = this.model(required(p, 'name'));
      const version = this.version(model, required(p, 'version'));
      if (version.pendingPolls > 0 && --version.pendingPolls === 0) version.status = 'READY';
      return { model_version: this.versionView(model, version) };
    });
    r('GET', 'model-versions/search', (p) => {
      const filter = String(p.get('filter') ?? '');
      const match = /^\s*name\s*=\s*'((?:[^'\\]|\\.)*)'\s*$/.exec(filter);
      if (filter && !match) throw new ApiError(400, 'INVALID_PARAMETER_VALUE', `Invalid filter '${filter}'`);
      const name = match?.[1].replace(/\\'/g, "'");
      const versions = [...this.models.values()]
        .filter((m) => name === undefined || m.name === name)
        .flatMap((m) => [...m.versions.values()].map((v) => this.versionView(m, v)))
        .sort((a, b) => Number(b.version) - Number(a.version));
      return versions.length ? { model_versions: versions } : {};
    });
    r('POST', 'model-versions/set-tag', (p) => {
      const model = this.model(required(p, 'name'));
      const version = this.version(model, required(p, 'version'));
      const key = required(p, 'key');
      checkKey(key, 'tag');
      version.tags.set(key, String(p.get('value') ?? ''));
      return {};
    });
    r('POST', 'registered-models/alias', (p) => {
      const model = this.model(required(p, 'name'));
      const alias = required(p, 'alias');
      const versionId = required(p, 'version');
      if (!ALIAS.test(alias) || /^(latest|v\d+)$/i.test(alias)) {
        throw new ApiError(
          400,
          'INVALID_PARAMETER_VALUE',
          `Invalid alias name: '${alias}'. Alias names may only contain alphanumeric characters, dashes and underscores, and cannot be 'latest' or 'v<number>'.`,
        );
      }
      this.version(model, versionId);
      model.aliases.set(alias, versionId);
      return {};
    });
    r('GET', 'registered-models/alias', (p) => {
      const model = this.model(required(p, 'name'));
      const alias = required(p, 'alias');
      const versionId = model.aliases.get(alias);
      if (versionId === undefined)
        throw new ApiError(400, 'INVALID_PARAMETER_VALUE', `Registered model alias ${alias} not found.`);
      return { model_version: this.versionView(model, this.version(model, versionId)) };
    });
    r('DELETE', 'registered-models/alias', (p) => {
      const model = this.model(required(p, 'name'));
      model.aliases.delete(required(p, 'alias'));
      return {};
    });
  }

  private run(id: string): RunState {
    const run = this.runs.get(id);
    if (!run) throw new ApiError(404, 'RESOURCE_DOES_NOT_EXIST', `Run with id=${id} not found`);
    return run;
  }

  private model(name: string): ModelState {
    const model = this.models.get(name);
    if (!model) throw new ApiError(404, 'RESOURCE_DOES_NOT_EXIST', `Registered Model with name=${name} not found`);
    return model;
  }

  private version(model: ModelState, id: string): VersionState {
    const version = model.versions.get(id);
    if (!version)
      throw new ApiError(404, 'RESOURCE_DOES_NOT_EXIST', `Model Version (name=${model.name}, version=${id}) not found`);
    return version;
  }

  private versionView(model: ModelState, v: VersionState): Record<string, unknown> {
    const aliases = [...model.aliases].filter(([, version]) => version === v.version).map(([alias]) => alias);
    const { tags, pendingPolls: _pending, ...rest } = v;
    return {
      ...rest,
      ...(tags.size ? { tags: [...tags].map(([key, value]) => ({ key, value })) } : {}),
      ...(aliases.length ? { aliases } : {}),
    };
  }

  private modelView(model: ModelState): Record<string, unknown> {
    const versions = [...model.versions.values()];
    const latest = versions[versions.length - 1];
    return {
      name: model.name,
      creation_timestamp: model.creation_timestamp,
      last_updated_timestamp: model.last_updated_timestamp,
      ...(model.description !== undefined ? { description: model.description } : {}),
      ...(latest ? { latest_versions: [this.versionView(model, latest)] } : {}),
      ...(model.aliases.size ? { aliases: [...model.aliases].map(([alias, version]) => ({ alias, version })) } : {}),
    };
  }
}

// ---- helpers ----

function queryParams(search: URLSearchParams): Params {
  return {
    get: (key) => search.get(key) ?? undefined,
    all: (key) => search.getAll(key),
  };
}

function bodyParams(req: IncomingMessage, body: Buffer): Params {
  const contentType = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  if (contentType !== 'application/json') {
    throw new ApiError(
      400,
      'INVALID_PARAMETER_VALUE',
      "Bad Request. Content-Type must be one of ['application/json'].",
    );
  }
  let parsed: Record<string, unknown> = {};
  if (body.length) {
    try {
      parsed = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
    } catch {
      throw new ApiError(400, 'MALFORMED_REQUEST', 'Malformed request body: invalid JSON');
    }
  }
  return {
    get: (key) => parsed[key] ?? undefined,
    all: (key) => (Array.isArray(parsed[key]) ? (parsed[key] as unknown[]) : []),
  };
}

function required(p: Params, key: string): string {
  const value = p.get(key);
  if (value === undefined || value === null || value === '') {
    throw new ApiError(
      400,
      'INVALID_PARAMETER_VALUE',
      `Missing value for required parameter '${key}'. See the API docs for more information about request parameters.`,
    );
  }
  return String(value);
}

function tagList(values: unknown[]): Tag[] {
  return values.map((v) => {
    const item = v as Record<string, unknown>;
    return { key: String(item.key ?? ''), value: String(item.value ?? '') };
  });
}

function checkName(name: string, what: string): void {
  if (!NAME.test(name)) throw new ApiError(400, 'INVALID_PARAMETER_VALUE', `Invalid ${what} '${name}'`);
}

function checkKey(key: string, what: string): void {
  if (!key || key.length > 250 || !NAME.test(key)) {
    throw new ApiError(
      400,
      'INVALID_PARAMETER_VALUE',
      `Invalid ${what} name: '${key.slice(0, 250)}'. Names may only contain alphanumerics, underscores (_), dashes (-), periods (.), spaces ( ), and slashes (/), and be at most 250 characters.`,
    );
  }
}

function experimentView(e: Record<string, unknown> & { tags: Map<string, string> }): Record<string, unknown> {
  const { tags, ...rest } = e;
  return { ...rest, ...(tags.size ? { tags: [...tags].map(([key, value]) => ({ key, value })) } : {}) };
}

function runView(run: RunState): Record<string, unknown> {
  const latest = new Map<string, Metric>();
  for (const m of run.metrics) {
    const current = latest.get(m.key);
    if (!current || m.step > current.step || (m.step === current.step && m.timestamp >= current.timestamp))
      latest.set(m.key, m);
  }
  const data: Record<string, unknown> = {};
  if (latest.size) data.metrics = [...latest.values()];
  if (run.params.size) data.params = [...run.params].map(([key, value]) => ({ key, value }));
  if (run.tags.size) data.tags = [...run.tags].map(([key, value]) => ({ key, value }));
  return { info: { ...run.info }, data };
}

/** The subset of MLflow's search syntax we use: `tags.x = 'v'`, `params.x != 'v'`, `attributes.status = 'v'`, AND. */
function parseRunFilter(filter: string): (run: RunState) => boolean {
  if (!filter.trim()) return () => true;
  const clauses = filter.split(/\s+and\s+/i).map((clause) => {
    const match =
      /^\s*(tags|tag|params|param|attributes|attribute|attr)\.(`[^`]+`|"[^"]+"|[\w.]+)\s*(=|!=)\s*'((?:[^'\\]|\\.)*)'\s*$/i.exec(
        clause,
      );
    if (!match)
      throw new ApiError(400, 'INVALID_PARAMETER_VALUE', `Invalid clause(s) in filter string: '${clause.trim()}'`);
    const [, kind, rawKey, op, value] = match;
    const key = rawKey.replace(/^[`"]|[`"]$/g, '');
    return (run: RunState): boolean => {
      const k = kind.toLowerCase();
      const actual = k.startsWith('tag')
        ? run.tags.get(key)
        : k.startsWith('param')
          ? run.params.get(key)
          : run.info[key];
      return op === '=' ? actual === value : actual !== undefined && actual !== value;
    };
  });
  return (run) => clauses.every((clause) => clause(run));
}

function guessContentType(filename: string): string {
  if (/\.(json|txt|md|yaml|yml|csv)$/i.test(filename)) return 'text/plain; charset=utf-8';
  if (/\.png$/i.test(filename)) return 'image/png';
  if (/\.svg$/i.test(filename)) return 'image/svg+xml';
  return 'application/octet-stream';
}

function corruptBytes(bytes: Buffer): Buffer {
  const copy = Buffer.from(bytes);
  const at = Math.floor(copy.length / 2);
  if (copy.length) copy[at] = copy[at] === 0x30 ? 0x31 : 0x30;
  return copy;
}
