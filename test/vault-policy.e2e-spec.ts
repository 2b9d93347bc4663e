import { readFileSync } from 'node:fs';
import { VaultDouble, parsePolicy } from './doubles/vault-server';
import { POLICY_FILE, SECRET_PATH, createVaultFixture, type VaultFixture } from './vault-fixtures';

const POLICY = readFileSync(POLICY_FILE, 'utf8');

describe('spam-classifier Vault policy', () => {
  let fixture: VaultFixture;
  let vault: VaultDouble;
  let token: string;
  let leaseId: string;

  beforeAll(async () => {
    fixture = await createVaultFixture();
    vault = await VaultDouble.start({
      kubernetes: { role: 'spam-classifier', jwt: fixture.jwt },
      policyHcl: POLICY,
      kv: { [SECRET_PATH]: { ADMIN_API_TOKEN: 'a' }, 'secret/other-service/config': { KEY: 'b' } },
      database: { role: 'spam-classifier', leaseDurationSeconds: 60, maxTtlSeconds: 600 },
    });
    const login = await call('POST', 'auth/kubernetes/login', { role: 'spam-classifier', jwt: fixture.jwt });
    token = login.body.auth.client_token;
    leaseId = (await call('GET', 'database/creds/spam-classifier')).body.lease_id;
  });

  afterAll(async () => {
    await vault.close();
    await fixture.cleanup();
  });

  interface VaultBody {
    auth: { client_token: string };
    lease_id: string;
    errors?: string[];
  }

  async function call(method: string, path: string, body?: unknown): Promise<{ status: number; body: VaultBody }> {
    const response = await fetch(`${vault.url}/v1/${path}`, {
      method,
      headers: { 'X-Vault-Token': token ?? '', 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json().catch(() => undefined)) as VaultBody };
  }

  it('should hold exactly the five rules the file declares', () => {
    expect(parsePolicy(POLICY)).toHaveLength((POLICY.match(/^path "/gm) ?? []).length);
    expect(parsePolicy(POLICY)).toHaveLength(5);
  });

  it('should allow what the service does', async () => {
    expect((await call('GET', 'secret/data/spam-classifier/config')).status).toBe(200);
    expect((await call('GET', 'auth/token/lookup-self')).status).toBe(200);
    expect((await call('POST', 'auth/token/renew-self', {})).status).toBe(200);
    expect((await call('PUT', `sys/leases/renew/${leaseId}`, { increment: 60 })).status).toBe(200);
  });

  it.each([
    ['GET', 'secret/data/other-service/config'],
    ['GET', 'secret/metadata/spam-classifier/config'],
    ['POST', 'secret/data/spam-classifier/config'],
    ['GET', 'secret/metadata/?list=true'],
    ['GET', 'database/creds/other-role'],
    ['PUT', 'sys/leases/renew'],
    ['PUT', 'sys/leases/renew/database/creds/other-role/abc'],
    ['PUT', 'sys/leases/revoke'],
    ['PUT', 'sys/policies/acl/spam-classifier'],
    ['POST', 'auth/token/create'],
  ])('should deny %s %s', async (method, path) => {
    const response = await call(method, path, method === 'GET' ? undefined : { lease_id: leaseId });
    expect(response).toEqual({ status: 403, body: { errors: ['1 error occurred:\n\t* permission denied\n\n'] } });
  });
});
