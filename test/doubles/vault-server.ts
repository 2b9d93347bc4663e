import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';

/**
 * A test double of HashiCorp Vault's HTTP API (v1), on a real node:http server bound to 127.0.0.1, answering the
 * calls the service makes the way Vault documents them:
 * - POST auth/<kubernetes>/login {role, jwt} and POST auth/<approle>/login {role_id, secret_id} → `auth` block
 * - GET auth/token/lookup-self → `data` (ttl, renewable, policies …); POST/PUT auth/token/renew-self → `auth`
 * - GET <kv>/data/<path> → `data.data` + `data.metadata` (version, created_time, …); 404 `{"errors":[]}` if absent
 * - GET <db>/creds/<role> → `data.username/password` with lease_id, lease_duration, renewable
 * - PUT/POST sys/leases/renew (lease_id in the body or the URL) → lease_id, lease_duration, renewable
 * Errors are `{"errors": [...]}`: 403 "permission denied" for a missing, expired or revoked token and for an ACL
 * denial, 503 "Vault is sealed", 400 for a bad login or an unknown/expired lease, 404 for a missing KV path.
 * With `policyHcl` every token issued by a login is held to that policy's `path` rules (`*` suffix and `+`
 * segment globs, read/update/list/create/delete capabilities), as Vault's ACL would.
 * Controls: seal/unseal, goDown/comeBack (connection refused), putSecret (a new KV version), expireLease,
 * revokeAllTokens; `requests` logs what was asked.
 */

export interface VaultDoubleOptions {
  /** Secrets by "<mount>/<path>", e.g. "secret/spam-classifier/config". */
  kv?: Record<string, Record<string, string>>;
  kubernetes?: { role: string; jwt: string; mount?: string };
  approle?: { roleId: string; secretId: string; mount?: string };
  /** Tokens usable as-is (token auth). */
  staticTokens?: Record<string, { ttlSeconds: number; renewable?: boolean }>;
  tokenTtlSeconds?: number;
  tokenMaxTtlSeconds?: number;
  database?: { role: string; mount?: string; leaseDurationSeconds: number; maxTtlSeconds: number; renewable?: boolean };
  /** Policy applied to every token (login or static); without it tokens may do anything. */
  policyHcl?: string;
  /** Serve HTTPS with this PEM key and certificate. */
  tls?: { key: string; cert: string };
}

export interface RecordedRequest {
  method: string;
  path: string;
  status: number;
}

interface TokenEntry {
  token: string;
  accessor: string;
  issuedAt: number;
  expiresAt?: number;
  maxExpiresAt?: number;
  ttlSeconds: number;
  renewable: boolean;
  revoked: boolean;
  policies: string[];
}

interface LeaseEntry {
  leaseId: string;
  username: string;
  password: string;
  issuedAt: number;
  expiresAt: number;
  maxExpiresAt: number;
  renewable: boolean;
}

interface KvEntry {
  versions: { data: Record<string, string>; createdTime: string }[];
}

interface PolicyRule {
  pattern: RegExp;
  capabilities: Set<string>;
}

export class VaultDouble {
  readonly requests: RecordedRequest[] = [];
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();
  private readonly tokens = new Map<string, TokenEntry>();
  private readonly leases = new Map<string, LeaseEntry>();
  private readonly kv = new Map<string, KvEntry>();
  /** Every lease ever issued (expired ones too), for secretValues(). */
  private readonly allLeases: LeaseEntry[] = [];
  private readonly rules?: PolicyRule[];
  private sealed = false;
  private port = 0;
  private down = false;

  private constructor(private readonly options: VaultDoubleOptions) {
    const handler = (req: IncomingMessage, res: ServerResponse): void => void this.handle(req, res);
    this.server = options.tls ? createTlsServer(options.tls, handler) : createServer(handler);
    this.server.on('connection', (socket: Socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    for (const [path, data] of Object.entries(options.kv ?? {})) this.putSecret(path, data);
    for (const [token, spec] of Object.entries(options.staticTokens ?? {})) {
      this.tokens.set(token, this.newToken(token, spec.ttlSeconds, spec.renewable ?? true));
    }
    if (options.policyHcl !== undefined) this.rules = parsePolicy(options.policyHcl);
  }

  static async start(options: VaultDoubleOptions = {}): Promise<VaultDouble> {
    const double = new VaultDouble(options);
    await double.listen(0);
    return double;
  }

  get url(): string {
    return `${this.options.tls ? 'https' : 'http'}://127.0.0.1:${this.port}`;
  }

  seal(): void {
    this.sealed = true;
  }

  unseal(): void {
    this.sealed = false;
  }

  /** Stops listening and drops open connections: clients get "connection refused". */
  async goDown(): Promise<void> {
    if (this.down) return;
    this.down = true;
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const socket of this.sockets) socket.destroy();
    await closed;
  }

  /** Listens again on the same port. */
  async comeBack(): Promise<void> {
    if (!this.down) return;
    await this.listen(this.port);
    this.down = false;
  }

  /** Writes a new version of a KV v2 secret ("<mount>/<path>") and returns its version number. */
  putSecret(path: string, data: Record<string, string>): number {
    const entry = this.kv.get(path) ?? { versions: [] };
    entry.versions.push({ data: { ...data }, createdTime: new Date().toISOString() });
    this.kv.set(path, entry);
    return entry.versions.length;
  }

  deleteSecret(path: string): void {
    this.kv.delete(path);
  }

  /** Ends a lease now, as Vault does when its TTL runs out: the credentials stop working, renewals fail. */
  expireLease(leaseId: string): void {
    this.leases.delete(leaseId);
  }

  revokeAllTokens(): void {
    for (const entry of this.tokens.values()) entry.revoked = true;
  }

  /** Leases that are still valid, newest last. */
  activeLeases(now = Date.now()): LeaseEntry[] {
    return [...this.leases.values()].filter((lease) => lease.expiresAt > now);
  }

  /** What the database would say to a login with these credentials. */
  isValidDatabaseLogin(username: string, password: string, now = Date.now()): boolean {
    return this.activeLeases(now).some((lease) => lease.username === username && lease.password === password);
  }

  /** Every secret value the double ever handed out or holds: for tests that grep output for leaks. */
  secretValues(): string[] {
    const values = new Set<string>();
    for (const token of this.tokens.keys()) values.add(token);
    for (const lease of this.allLeases) values.add(lease.password);
    for (const entry of this.kv.values())
      for (const version of entry.versions) for (const v of Object.values(version.data)) values.add(v);
    if (this.options.kubernetes) values.add(this.options.kubernetes.jwt);
    if (this.options.approle) values.add(this.options.approle.secretId);
    return [...values];
  }

  count(method: string, pathPrefix: string): number {
    return this.requests.filter((r) => r.method === method && r.path.startsWith(pathPrefix)).length;
  }

  async close(): Promise<void> {
    if (!this.down) await this.goDown();
  }

  private listen(port: number): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, '127.0.0.1', () => {
        this.server.off('error', reject);
        this.port = (this.server.address() as AddressInfo).port;
        resolve();
      });
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://vault');
    const method = (req.method ?? 'GET').toUpperCase();
    const body = await readJson(req);
    const send = (status: number, payload?: unknown): void => {
      this.requests.push({ method, path: url.pathname, status });
      if (payload === undefined) {
        res.writeHead(status).end();
        return;
      }
      const text = JSON.stringify(payload);
      res
        .writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) })
        .end(text);
    };
    if (body === INVALID_JSON) return send(400, { errors: ['failed to parse JSON input: invalid character'] });
    if (!url.pathname.startsWith('/v1/')) return send(404, { errors: [] });
    const path = url.pathname.slice('/v1/'.length).replace(/\/+$/, '');
    if (this.sealed) return send(503, { errors: ['Vault is sealed'] });
    try {
      const [status, payload] = this.route(method, path, (body ?? {}) as Record<string, unknown>, req);
      send(status, payload);
    } catch (error) {
      send(500, { errors: [`internal error: ${(error as Error).message}`] });
    }
  }

  private route(method: string, path: string, body: Record<string, unknown>, req: IncomingMessage): [number, unknown?] {
    const write = method === 'POST' || method === 'PUT';
    const k8s = this.options.kubernetes;
    if (k8s && write && path === `auth/${k8s.mount ?? 'kubernetes'}/login`) return this.kubernetesLogin(body, k8s);
    const approle = this.options.approle;
    if (approle && write && path === `auth/${approle.mount ?? 'approle'}/login`)
      return this.approleLogin(body, approle);

    const token = this.validToken(req.headers['x-vault-token']);
    if (!token) return [403, { errors: ['permission denied'] }];
    const listing = method === 'LIST' || (method === 'GET' && req.url?.includes('list=true'));
    const capability = listing ? 'list' : method === 'GET' ? 'read' : method === 'DELETE' ? 'delete' : 'update';
    if (!this.allowed(path, capability)) return [403, { errors: ['1 error occurred:\n\t* permission denied\n\n'] }];

    if (method === 'GET' && path === 'auth/token/lookup-self') return [200, this.lookup(token)];
    if (write && path === 'auth/token/renew-self') return this.renewSelf(token, body);
    if (write && (path === 'sys/leases/renew' || path.startsWith('sys/leases/renew/'))) {
      const leaseId = path === 'sys/leases/renew' ? body.lease_id : path.slice('sys/leases/renew/'.length);
      return this.renewLease(typeof leaseId === 'string' ? leaseId : '', body.increment);
    }
    const db = this.options.database;
    if (db && method === 'GET' && path.startsWith(`${db.mount ?? 'database'}/creds/`)) {
      const role = path.slice(`${db.mount ?? 'database'}/creds/`.length);
      if (role !== db.role) return [400, { errors: [`unknown role: ${role}`] }];
      return [200, this.issueCredentials(db, path)];
    }
    const kvMatch = /^([^/]+)\/data\/(.+)$/.exec(path);
    if (kvMatch && method === 'GET') {
      const entry = this.kv.get(`${kvMatch[1]}/${kvMatch[2]}`);
      if (!entry) return [404, { errors: [] }];
      const version = entry.versions.length;
      const latest = entry.versions[version - 1];
      return [
        200,
        envelope({
          data: {
            data: latest.data,
            metadata: {
              created_time: latest.createdTime,
              custom_metadata: null,
              deletion_time: '',
              destroyed: false,
              version,
            },
          },
        }),
      ];
    }
    return [404, { errors: [`no handler for route "${path}". route entry not found.`] }];
  }

  private kubernetesLogin(
    body: Record<string, unknown>,
    k8s: NonNullable<VaultDoubleOptions['kubernetes']>,
  ): [number, unknown] {
    if (typeof body.role !== 'string' || typeof body.jwt !== 'string')
      return [400, { errors: ['missing role or jwt'] }];
    if (body.role !== k8s.role) return [400, { errors: [`invalid role name "${body.role}"`] }];
    if (body.jwt !== k8s.jwt) return [403, { errors: ['permission denied'] }];
    return [
      200,
      this.loginResponse({
        role: k8s.role,
        service_account_name: 'spam-classifier',
        service_account_namespace: 'spam-classifier',
      }),
    ];
  }

  private approleLogin(
    body: Record<string, unknown>,
    approle: NonNullable<VaultDoubleOptions['approle']>,
  ): [number, unknown] {
    if (body.role_id !== approle.roleId || body.secret_id !== approle.secretId) {
      return [400, { errors: ['invalid role or secret ID'] }];
    }
    return [200, this.loginResponse({ role_name: 'spam-classifier' })];
  }

  private loginResponse(metadata: Record<string, string>): unknown {
    const ttl = this.options.tokenTtlSeconds ?? 3600;
    const entry = this.newToken(`hvs.${randomBytes(18).toString('base64url')}`, ttl, true);
    this.tokens.set(entry.token, entry);
    return envelope({
      auth: {
        client_token: entry.token,
        accessor: entry.accessor,
        policies: entry.policies,
        token_policies: entry.policies,
        metadata,
        lease_duration: ttl,
        renewable: true,
        entity_id: randomUUID(),
        token_type: 'service',
        orphan: true,
      },
    });
  }

  private newToken(token: string, ttlSeconds: number, renewable: boolean): TokenEntry {
    const now = Date.now();
    const max = this.options.tokenMaxTtlSeconds;
    return {
      token,
      accessor: randomBytes(12).toString('base64url'),
      issuedAt: now,
      expiresAt: ttlSeconds > 0 ? now + ttlSeconds * 1000 : undefined,
      maxExpiresAt: max !== undefined && ttlSeconds > 0 ? now + max * 1000 : undefined,
      ttlSeconds,
      renewable,
      revoked: false,
      policies: ['default', 'spam-classifier'],
    };
  }

  private validToken(header: string | string[] | undefined): TokenEntry | undefined {
    const entry = typeof header === 'string' ? this.tokens.get(header) : undefined;
    if (!entry || entry.revoked) return undefined;
    if (entry.expiresAt !== undefined && entry.expiresAt <= Date.now()) return undefined;
    return entry;
  }

  private lookup(entry: TokenEntry): unknown {
    const now = Date.now();
    return envelope({
      data: {
        accessor: entry.accessor,
        creation_time: Math.floor(entry.issuedAt / 1000),
        creation_ttl: entry.ttlSeconds,
        display_name: 'kubernetes-spam-classifier',
        entity_id: '',
        expire_time: entry.expiresAt ? new Date(entry.expiresAt).toISOString() : null,
        explicit_max_ttl: 0,
        id: entry.token,
        issue_time: new Date(entry.issuedAt).toISOString(),
        meta: null,
        num_uses: 0,
        orphan: true,
        path: 'auth/kubernetes/login',
        policies: entry.policies,
        renewable: entry.renewable,
        ttl: entry.expiresAt ? Math.max(0, Math.round((entry.expiresAt - now) / 1000)) : 0,
        type: 'service',
      },
    });
  }

  private renewSelf(entry: TokenEntry, body: Record<string, unknown>): [number, unknown] {
    if (!entry.renewable || entry.expiresAt === undefined) return [400, { errors: ['lease is not renewable'] }];
    const now = Date.now();
    let grantedMs = (parseSeconds(body.increment) ?? entry.ttlSeconds) * 1000;
    if (entry.maxExpiresAt !== undefined) grantedMs = Math.max(0, Math.min(grantedMs, entry.maxExpiresAt - now));
    entry.expiresAt = now + grantedMs;
    const ttl = Math.floor(grantedMs / 1000);
    return [
      200,
      envelope({
        auth: {
          client_token: entry.token,
          accessor: entry.accessor,
          policies: entry.policies,
          token_policies: entry.policies,
          metadata: null,
          lease_duration: ttl,
          renewable: true,
          entity_id: '',
          token_type: 'service',
          orphan: true,
        },
      }),
    ];
  }

  private issueCredentials(db: NonNullable<VaultDoubleOptions['database']>, path: string): unknown {
    const now = Date.now();
    const lease: LeaseEntry = {
      leaseId: `${path}/${randomBytes(12).toString('base64url')}`,
      username: `v-kubernetes-spam-cla-${randomBytes(6).toString('hex')}`,
      password: randomBytes(15).toString('base64url'),
      issuedAt: now,
      expiresAt: now + db.leaseDurationSeconds * 1000,
      maxExpiresAt: now + db.maxTtlSeconds * 1000,
      renewable: db.renewable ?? true,
    };
    this.leases.set(lease.leaseId, lease);
    this.allLeases.push(lease);
    return {
      request_id: randomUUID(),
      lease_id: lease.leaseId,
      renewable: lease.renewable,
      lease_duration: db.leaseDurationSeconds,
      data: { username: lease.username, password: lease.password },
      wrap_info: null,
      warnings: null,
      auth: null,
    };
  }

  private renewLease(leaseId: string, increment: unknown): [number, unknown] {
    const lease = this.leases.get(leaseId);
    const now = Date.now();
    if (!lease || lease.expiresAt <= now) return [400, { errors: ['lease not found'] }];
    if (!lease.renewable) return [400, { errors: ['lease is not renewable'] }];
    const wanted = parseSeconds(increment) ?? this.options.database?.leaseDurationSeconds ?? 0;
    // Capped by max TTL; the lease really lasts to the millisecond, the answer counts whole seconds as Vault does.
    const grantedMs = Math.max(0, Math.min(wanted * 1000, lease.maxExpiresAt - now));
    lease.expiresAt = now + grantedMs;
    const granted = Math.floor(grantedMs / 1000);
    return [
      200,
      {
        request_id: randomUUID(),
        lease_id: leaseId,
        renewable: true,
        lease_duration: granted,
        data: null,
        wrap_info: null,
        warnings: null,
        auth: null,
      },
    ];
  }

  private allowed(path: string, capability: string): boolean {
    if (!this.rules) return true;
    return this.rules.some((rule) => rule.pattern.test(path) && rule.capabilities.has(capability));
  }
}

/** Parses the `path "…" { capabilities = [...] }` blocks of a Vault policy. */
export function parsePolicy(hcl: string): PolicyRule[] {
  const text = hcl.replace(/^\s*#.*$/gm, '');
  const rules: PolicyRule[] = [];
  const block = /path\s+"([^"]+)"\s*\{\s*capabilities\s*=\s*\[([^\]]*)\]\s*\}/g;
  for (const match of text.matchAll(block)) {
    const capabilities = new Set([...match[2].matchAll(/"([a-z]+)"/g)].map((m) => m[1]));
    rules.push({ pattern: globToRegExp(match[1]), capabilities });
  }
  return rules;
}

function globToRegExp(glob: string): RegExp {
  const prefix = glob.endsWith('*');
  const body = (prefix ? glob.slice(0, -1) : glob)
    .split('+')
    .map((part) => part.replace(/[.*?^${}()|[\]\\]/g, '\\$&'))
    .join('[^/]+');
  return new RegExp(`^${body}${prefix ? '.*' : ''}$`);
}

function envelope(fields: Record<string, unknown>): Record<string, unknown> {
  return {
    request_id: randomUUID(),
    lease_id: '',
    renewable: false,
    lease_duration: 0,
    data: null,
    wrap_info: null,
    warnings: null,
    auth: null,
    ...fields,
  };
}

/** Vault durations: a number of seconds or a string like "30s", "5m", "1h". */
function parseSeconds(value: unknown): number | undefined {
  if (typeof value === 'number' && value > 0) return Math.floor(value);
  if (typeof value !== 'string') return undefined;
  const match = /^(\d+)([smh]?)$/.exec(value.trim());
  if (!match) return undefined;
  return Number(match[1]) * (match[2] === 'h' ? 3600 : match[2] === 'm' ? 60 : 1);
}

const INVALID_JSON = Symbol('invalid json');

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8').trim();
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return INVALID_JSON;
  }
}
