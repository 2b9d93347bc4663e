import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AgentSecretsError, parseAgentFile, readAgentSecrets } from './agent-secrets';

describe(parseAgentFile.name, () => {
  it('should read KEY=value and export KEY="value" lines with quotes, escapes and comments', () => {
    const content = [
      '# rendered by the Vault Agent',
      '',
      'ADMIN_API_TOKEN=plain-value',
      'export DATABASE_URL="postgres://u:p@db/spam"',
      "SINGLE='it''s literal \\n'",
      'ESCAPED="a \\"quoted\\" word\\nnext line"',
      'TRAILING=value # a comment',
      '  SPACED = spaced-value  ',
      'EMPTY=',
    ].join('\r\n');
    expect(parseAgentFile(content, 'f')).toEqual({
      ADMIN_API_TOKEN: 'plain-value',
      DATABASE_URL: 'postgres://u:p@db/spam',
      SINGLE: "it''s literal \\n",
      ESCAPED: 'a "quoted" word\nnext line',
      TRAILING: 'value',
      SPACED: 'spaced-value',
      EMPTY: '',
    });
  });

  it('should read a JSON object of strings, numbers and booleans', () => {
    expect(parseAgentFile('\uFEFF {"A": "x", "PORT": 5432, "ON": true}', 'f.json')).toEqual({
      A: 'x',
      PORT: '5432',
      ON: 'true',
    });
  });

  it('should name the file and line of a bad entry without echoing its content', () => {
    const error = (): unknown => parseAgentFile('GOOD=1\nsecret-value-without-key\n', '/vault/secrets/config');
    expect(error).toThrow(AgentSecretsError);
    expect(error).toThrow('/vault/secrets/config:2: expected KEY=value or export KEY="value"');
    expect(() => parseAgentFile('A="unterminated', 'f')).toThrow('f:1: value of A has no closing "');
    expect(() => parseAgentFile('A="x" trailing', 'f')).toThrow('f:1: unexpected text after the quoted value of A');
    expect(() => parseAgentFile('{"A": ', 'f')).toThrow('f: not valid JSON');
    expect(() => parseAgentFile('["A"]', 'f')).toThrow('f: expected a JSON object');
    expect(() => parseAgentFile('{"not a name": "x"}', 'f')).toThrow(
      'f: key "not a name" is not an environment-variable name',
    );
    expect(() => parseAgentFile('{"A": {"nested": 1}}', 'f')).toThrow(
      'f: value of A must be a string, number or boolean',
    );
  });
});

describe(readAgentSecrets.name, () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'agent-secrets-'));
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('should return nothing for a missing folder', async () => {
    await expect(readAgentSecrets(join(dir, 'absent'))).resolves.toEqual({});
  });

  it('should merge the files in name order, skipping hidden files and folders', async () => {
    await writeFile(join(dir, 'a-config'), 'A=1\nB=from-a\n');
    await writeFile(join(dir, 'b-config.json'), '{"B": "from-b"}');
    await writeFile(join(dir, '.hidden'), 'not parsed at all');
    await mkdir(join(dir, '..data'));
    await mkdir(join(dir, 'sub'));
    await expect(readAgentSecrets(dir)).resolves.toEqual({ A: '1', B: 'from-b' });
  });

  it('should refuse an oversized file and a folder it cannot read', async () => {
    await writeFile(join(dir, 'big'), `A=${'x'.repeat(300 * 1024)}`);
    await expect(readAgentSecrets(dir)).rejects.toThrow(/big: \d+ bytes is more than the 262144 allowed/);
    await writeFile(join(dir, 'file'), 'A=1');
    await expect(readAgentSecrets(join(dir, 'file'))).rejects.toThrow(/Cannot read Vault Agent folder .*file: ENOTDIR/);
  });
});
