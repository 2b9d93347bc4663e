import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';

/** Names the Agent files may set: environment-variable names, as in the KV secret. */
const KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** Agent templates are small; a larger file is a mistake (a binary, a log) rather than secrets. */
const MAX_FILE_BYTES = 256 * 1024;

export class AgentSecretsError extends Error {
  override readonly name = 'AgentSecretsError';
}

/**
 * Reads the files the Vault Agent injector renders (default folder /vault/secrets/). Each regular file,
 * in name order, holds either a JSON object (`{"ADMIN_API_TOKEN": "…"}`, e.g. a template rendering
 * `{{ .Data.data | toJSON }}`) or lines of `KEY=value` / `export KEY="value"` (blank lines and # comments
 * are skipped). A later file overrides an earlier one. A missing folder yields no secrets; a malformed file
 * throws an AgentSecretsError naming the file and line, never its content.
 */
export async function readAgentSecrets(dir: string): Promise<Record<string, string>> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((name) => !name.startsWith('.')).sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new AgentSecretsError(`Cannot read Vault Agent folder ${dir}: ${(error as NodeJS.ErrnoException).code}`);
  }
  const secrets: Record<string, string> = {};
  for (const name of names) {
    const path = join(dir, name);
    let info;
    try {
      info = await stat(path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue; // replaced between readdir and stat
      throw error;
    }
    if (!info.isFile()) continue;
    if (info.size > MAX_FILE_BYTES) {
      throw new AgentSecretsError(`${path}: ${info.size} bytes is more than the ${MAX_FILE_BYTES} allowed`);
    }
    Object.assign(secrets, parseAgentFile(await readFile(path, 'utf8'), path));
  }
  return secrets;
}

export function parseAgentFile(content: string, source: string): Record<string, string> {
  const text = content.replace(/^\uFEFF/, '');
  return /^[[{]/.test(text.trimStart()) ? parseJson(text, source) : parseLines(text, source);
}

function parseJson(text: string, source: string): Record<string, string> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new AgentSecretsError(`${source}: not valid JSON (expected an object of KEY: "value")`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new AgentSecretsError(`${source}: expected a JSON object of KEY: "value"`);
  }
  const secrets: Record<string, string> = {};
  for (const [key, value] of Object.entries(parsed)) {
    if (!KEY.test(key)) throw new AgentSecretsError(`${source}: key "${key}" is not an environment-variable name`);
    if (typeof value === 'string') secrets[key] = value;
    else if (typeof value === 'number' || typeof value === 'boolean') secrets[key] = String(value);
    else throw new AgentSecretsError(`${source}: value of ${key} must be a string, number or boolean`);
  }
  return secrets;
}

function parseLines(text: string, source: string): Record<string, string> {
  const secrets: Record<string, string> = {};
  const lines = text.split(/\r?\n/);
  lines.forEach((rawLine, index) => {
    const line = rawLine.trim();
    if (line === '' || line.startsWith('#')) return;
    const where = `${source}:${index + 1}`;
    const match = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=(.*)$/.exec(line);
    if (!match) throw new AgentSecretsError(`${where}: expected KEY=value or export KEY="value"`);
    secrets[match[1]] = unquote(match[2].trim(), where, match[1]);
  });
  return secrets;
}

function unquote(value: string, where: string, key: string): string {
  const quote = value[0];
  if (quote !== '"' && quote !== "'") return value.replace(/\s+#.*$/, '');
  const end = value.lastIndexOf(quote);
  if (end === 0) throw new AgentSecretsError(`${where}: value of ${key} has no closing ${quote}`);
  if (
    value.slice(end + 1).trim() !== '' &&
    !value
      .slice(end + 1)
      .trim()
      .startsWith('#')
  ) {
    throw new AgentSecretsError(`${where}: unexpected text after the quoted value of ${key}`);
  }
  const inner = value.slice(1, end);
  if (quote === "'") return inner;
  return inner.replace(/\\(["\\$`n])/g, (_all, escaped: string) => (escaped === 'n' ? '\n' : escaped));
}
