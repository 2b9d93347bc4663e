import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { VaultLogger } from '../src/vault/vault-session';

export const SECRET_PATH = 'secret/spam-classifier/config';
export const POLICY_FILE = join(__dirname, '..', 'ansible', 'roles', 'vault-config', 'files', 'spam-classifier.hcl');

/** A folder with a service-account token file and an (initially empty) Agent secrets folder. */
export interface VaultFixture {
  dir: string;
  jwtPath: string;
  agentDir: string;
  jwt: string;
  cleanup(): Promise<void>;
}

export async function createVaultFixture(): Promise<VaultFixture> {
  const dir = await mkdtemp(join(tmpdir(), 'vault-e2e-'));
  const jwt = `eyJhbGciOiJSUzI1NiJ9.${Buffer.from(`{"sub":"system:serviceaccount:spam:${dir}"}`).toString('base64url')}.c2ln`;
  const jwtPath = join(dir, 'token');
  const agentDir = join(dir, 'vault-secrets');
  await writeFile(jwtPath, `${jwt}\n`);
  await mkdir(agentDir);
  return { dir, jwtPath, agentDir, jwt, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** Logger that keeps every line, for assertions and for grepping for leaked secrets. */
export class CapturingLogger implements VaultLogger {
  readonly lines: string[] = [];
  log(message: unknown): void {
    this.lines.push(`LOG ${String(message)}`);
  }
  warn(message: unknown): void {
    this.lines.push(`WARN ${String(message)}`);
  }
  error(message: unknown): void {
    this.lines.push(`ERROR ${String(message)}`);
  }
}

export async function waitFor(condition: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
