import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A test double of the Kubernetes API server for the two resources the trainer uses, following the API's rules:
 * - coordination.k8s.io/v1 leases: GET / POST / PUT with `metadata.resourceVersion` optimistic concurrency
 *   (a stale version → 409 Conflict, POST of an existing name → 409 AlreadyExists, absent → 404 NotFound);
 * - batch/v1 jobs: POST (with `generateName`), GET, GET /status, list, DELETE; the test moves a Job's status.
 * Errors are `Status` objects as the API server sends them. A bearer token is required when one is configured.
 */
export interface KubernetesObject {
  apiVersion?: string;
  kind?: string;
  metadata: {
    name?: string;
    generateName?: string;
    namespace?: string;
    resourceVersion?: string;
    uid?: string;
    creationTimestamp?: string;
    labels?: Record<string, string>;
    [key: string]: unknown;
  };
  spec?: Record<string, unknown>;
  status?: Record<string, unknown>;
}

export interface RecordedRequest {
  method: string;
  path: string;
  body?: KubernetesObject;
}

interface Resource {
  group: string;
  plural: string;
  kind: string;
  apiVersion: string;
}

const LEASES: Resource = {
  group: 'coordination.k8s.io',
  plural: 'leases',
  kind: 'Lease',
  apiVersion: 'coordination.k8s.io/v1',
};
const JOBS: Resource = { group: 'batch', plural: 'jobs', kind: 'Job', apiVersion: 'batch/v1' };

const ROUTE =
  /^\/apis\/(coordination\.k8s\.io|batch)\/v1\/namespaces\/([a-z0-9-]+)\/(leases|jobs)(?:\/([a-z0-9.-]+))?(\/status)?$/u;

export class KubernetesApiDouble {
  readonly requests: RecordedRequest[] = [];
  private readonly objects = new Map<string, KubernetesObject>();
  private version = 1000;
  private server: Server | undefined;
  /** Requests to fail before the store sees them: status code and reason, consumed one per request. */
  private readonly faults: { code: number; reason: string; match?: RegExp }[] = [];
  private readonly jobListeners = new Set<(job: KubernetesObject) => void>();

  constructor(readonly token = 'test-service-account-token') {}

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((error: Error) => this.send(res, 500, status(500, 'InternalError', error.message)));
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return this.url;
  }

  get url(): string {
    const address = this.server?.address() as AddressInfo | null;
    if (!address) throw new Error('KubernetesApiDouble is not started');
    return `http://127.0.0.1:${address.port}`;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** The next matching request answers with this error instead of reaching the store. */
  failNext(code: number, reason: string, match?: RegExp): void {
    this.faults.push({ code, reason, match });
  }

  lease(namespace: string, name: string): KubernetesObject | undefined {
    return clone(this.objects.get(key(LEASES, namespace, name)));
  }

  jobs(namespace: string): KubernetesObject[] {
    return [...this.objects.entries()].filter(([k]) => k.startsWith(`jobs/${namespace}/`)).map(([, v]) => clone(v)!);
  }

  /** Called with each created Job (after it is stored), e.g. to drive its status. */
  onJobCreated(listener: (job: KubernetesObject) => void): () => void {
    this.jobListeners.add(listener);
    return () => this.jobListeners.delete(listener);
  }

  /** Sets a Job's status as the Job controller would (active, succeeded, failed, conditions...). */
  setJobStatus(namespace: string, name: string, jobStatus: Record<string, unknown>): void {
    const k = key(JOBS, namespace, name);
    const job = this.objects.get(k);
    if (!job) throw new Error(`no job ${namespace}/${name}`);
    job.status = jobStatus;
    job.metadata.resourceVersion = String(++this.version);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const raw = await readBody(req);
    const body = raw ? (JSON.parse(raw) as KubernetesObject) : undefined;
    this.requests.push({ method: req.method ?? 'GET', path: url.pathname, body });

    if (req.headers.authorization !== `Bearer ${this.token}`) {
      return this.send(res, 401, { ...status(401, 'Unauthorized', 'Unauthorized'), details: undefined });
    }
    const faultAt = this.faults.findIndex((f) => !f.match || f.match.test(`${req.method} ${url.pathname}`));
    if (faultAt >= 0) {
      const [fault] = this.faults.splice(faultAt, 1);
      return this.send(res, fault.code, status(fault.code, fault.reason, `injected ${fault.reason}`));
    }
    const match = ROUTE.exec(url.pathname);
    if (!match || (match[1] === 'batch') !== (match[3] === 'jobs')) {
      return this.send(res, 404, status(404, 'NotFound', 'the server could not find the requested resource'));
    }
    const resource = match[3] === 'leases' ? LEASES : JOBS;
    const [, , namespace, , name, statusPath] = match;
    const method = req.method ?? 'GET';

    if (!name && method === 'GET') return this.list(res, resource, namespace);
    if (!name && method === 'POST') return this.create(res, resource, namespace, body);
    if (name && method === 'GET') return this.read(res, resource, namespace, name);
    if (name && method === 'PUT' && !statusPath) return this.replace(res, resource, namespace, name, body);
    if (name && method === 'DELETE') return this.remove(res, resource, namespace, name);
    return this.send(
      res,
      405,
      status(405, 'MethodNotAllowed', `the server does not allow this method on the requested resource`),
    );
  }

  private list(res: ServerResponse, resource: Resource, namespace: string): void {
    const items = [...this.objects.entries()]
      .filter(([k]) => k.startsWith(`${resource.plural}/${namespace}/`))
      .map(([, v]) => v);
    this.send(res, 200, {
      apiVersion: resource.apiVersion,
      kind: `${resource.kind}List`,
      metadata: { resourceVersion: String(this.version) },
      items,
    });
  }

  private read(res: ServerResponse, resource: Resource, namespace: string, name: string): void {
    const object = this.objects.get(key(resource, namespace, name));
    if (!object) return this.send(res, 404, notFound(resource, name));
    this.send(res, 200, object);
  }

  private create(res: ServerResponse, resource: Resource, namespace: string, body: KubernetesObject | undefined): void {
    if (!body?.metadata)
      return this.send(res, 400, status(400, 'BadRequest', 'the body of the request was in an unknown format'));
    const name =
      body.metadata.name ?? (body.metadata.generateName ? `${body.metadata.generateName}${randomSuffix()}` : undefined);
    if (!name) {
      return this.send(
        res,
        422,
        status(
          422,
          'Invalid',
          `${resource.kind} "" is invalid: metadata.name: Required value: name or generateName is required`,
          resource,
        ),
      );
    }
    if (body.metadata.resourceVersion) {
      return this.send(
        res,
        500,
        status(500, 'InternalError', 'resourceVersion should not be set on objects to be created'),
      );
    }
    const k = key(resource, namespace, name);
    if (this.objects.has(k)) {
      return this.send(
        res,
        409,
        status(409, 'AlreadyExists', `${resource.plural}.${resource.group} "${name}" already exists`, resource, name),
      );
    }
    const object: KubernetesObject = {
      ...body,
      apiVersion: resource.apiVersion,
      kind: resource.kind,
      metadata: {
        ...body.metadata,
        name,
        namespace,
        uid: randomUUID(),
        resourceVersion: String(++this.version),
        creationTimestamp: new Date().toISOString().replace(/\.\d+Z$/u, 'Z'),
      },
      ...(resource === JOBS ? { status: {} } : {}),
    };
    this.objects.set(k, object);
    this.send(res, 201, object);
    if (resource === JOBS) for (const listener of this.jobListeners) listener(clone(object)!);
  }

  private replace(
    res: ServerResponse,
    resource: Resource,
    namespace: string,
    name: string,
    body: KubernetesObject | undefined,
  ): void {
    const k = key(resource, namespace, name);
    const current = this.objects.get(k);
    if (!current) return this.send(res, 404, notFound(resource, name));
    if (!body?.metadata)
      return this.send(res, 400, status(400, 'BadRequest', 'the body of the request was in an unknown format'));
    if (body.metadata.name !== undefined && body.metadata.name !== name) {
      return this.send(
        res,
        400,
        status(
          400,
          'BadRequest',
          `the name of the object (${body.metadata.name}) does not match the name on the URL (${name})`,
        ),
      );
    }
    // An update without resourceVersion is unconditional; with one, it must be the stored one.
    if (
      body.metadata.resourceVersion !== undefined &&
      body.metadata.resourceVersion !== current.metadata.resourceVersion
    ) {
      return this.send(
        res,
        409,
        status(
          409,
          'Conflict',
          `Operation cannot be fulfilled on ${resource.plural}.${resource.group} "${name}": the object has been modified; please apply your changes to the latest version and try again`,
          resource,
          name,
        ),
      );
    }
    const object: KubernetesObject = {
      ...body,
      apiVersion: resource.apiVersion,
      kind: resource.kind,
      metadata: {
        ...current.metadata,
        ...body.metadata,
        name,
        namespace,
        uid: current.metadata.uid,
        resourceVersion: String(++this.version),
      },
    };
    this.objects.set(k, object);
    this.send(res, 200, object);
  }

  private remove(res: ServerResponse, resource: Resource, namespace: string, name: string): void {
    const k = key(resource, namespace, name);
    const object = this.objects.get(k);
    if (!object) return this.send(res, 404, notFound(resource, name));
    this.objects.delete(k);
    this.send(res, 200, {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Success',
      details: { name, group: resource.group, kind: resource.plural, uid: object.metadata.uid },
    });
  }

  private send(res: ServerResponse, code: number, body: unknown): void {
    const text = JSON.stringify(body);
    res.writeHead(code, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
    res.end(text);
  }
}

/** A `Status` object as the API server returns it for a failed request. */
export function status(
  code: number,
  reason: string,
  message: string,
  resource?: Resource,
  name?: string,
): Record<string, unknown> {
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason,
    ...(resource ? { details: { ...(name ? { name } : {}), group: resource.group, kind: resource.plural } } : {}),
    code,
  };
}

function notFound(resource: Resource, name: string): Record<string, unknown> {
  return status(404, 'NotFound', `${resource.plural}.${resource.group} "${name}" not found`, resource, name);
}

function key(resource: Resource, namespace: string, name: string): string {
  return `${resource.plural}/${namespace}/${name}`;
}

function randomSuffix(): string {
  const alphabet = 'bcdfghjklmnpqrstvwxz2456789';
  return Array.from({ length: 5 }, () => alphabet[Math.floor(Math.random() * alphabet.length)]).join('');
}

function clone<T>(value: T): T {
  return value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T);
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
