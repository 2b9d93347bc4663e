import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readVaultSettings } from './config/vault.config';
import { VaultApi, VaultRequestError } from './vault-api';

/** A server that answers every request with the given handler (or never, when it returns undefined). */
async function serve(
  handler: (path: string) => [number, string] | undefined,
): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    const answer = handler(req.url ?? '');
    if (answer) res.writeHead(answer[0], { 'Content-Type': 'application/json' }).end(answer[1]);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

function api(url: string, extra: Record<string, string> = {}): VaultApi {
  return new VaultApi(
    readVaultSettings({
      VAULT_ADDR: url,
      VAULT_AUTH_METHOD: 'token',
      VAULT_TOKEN: 'hvs.t',
      VAULT_REQUEST_TIMEOUT_MS: '200',
      ...extra,
    }),
  );
}

describe(VaultApi.name, () => {
  const servers: Server[] = [];

  afterEach(async () => {
    for (const server of servers.splice(0)) {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('should turn a hanging Vault into a transient timeout error', async () => {
    const { url, server } = await serve(() => undefined);
    servers.push(server);
    const error = await api(url)
      .lookupSelf()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(VaultRequestError);
    expect((error as VaultRequestError).message).toBe(
      'Vault token lookup-self failed: request timed out (ECONNABORTED)',
    );
    expect((error as VaultRequestError).transient).toBe(true);
  });

  it('should reject malformed answers with a permanent error naming the field', async () => {
    const { url, server } = await serve((path) =>
      path.includes('leases/renew')
        ? [200, '{"lease_id": "", "lease_duration": 5}']
        : path.includes('lookup-self')
          ? [200, '{"data": {"ttl": "soon"}}']
          : path.includes('/data/')
            ? [200, '{"data": {"data": {"A": ["x"]}, "metadata": {"version": 1}}}']
            : path.includes('/creds/')
              ? [200, '{"lease_id": "l", "lease_duration": 5, "data": {"username": "u"}}']
              : [404, '{"errors": []}'],
    );
    servers.push(server);
    const client = api(url, { VAULT_DB_ROLE: 'r' });
    await expect(client.lookupSelf()).rejects.toThrow('Vault token lookup-self failed: response has no number "ttl"');
    await expect(client.readKv()).rejects.toThrow('value of A is not a string, number or boolean');
    await expect(client.readDatabaseCredentials()).rejects.toThrow('response has no data.username/data.password');
    const renewal = await client.renewLease('database/creds/r/1', 5).catch((e: unknown) => e);
    expect((renewal as VaultRequestError).message).toBe('Vault lease renew failed: response has no string "lease_id"');
    expect((renewal as VaultRequestError).transient).toBe(false);
  });

  it('should classify Vault statuses', () => {
    expect(new VaultRequestError('x', 503, 'Vault is sealed').transient).toBe(true);
    expect(new VaultRequestError('x', 429, '').transient).toBe(true);
    expect(new VaultRequestError('x', 403, 'permission denied')).toMatchObject({ transient: false, forbidden: true });
    expect(new VaultRequestError('x', 400, '').message).toBe('Vault x failed: HTTP 400');
    expect(() => new VaultApi(readVaultSettings({}))).toThrow('VaultApi needs VAULT_ADDR');
  });
});
