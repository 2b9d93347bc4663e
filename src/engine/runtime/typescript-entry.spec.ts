import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { moduleExtension, RUNNING_FROM_SOURCES, typescriptBootstrap } from './typescript-entry';

describe('typescriptBootstrap', () => {
  it('should run a TypeScript entry with decorators and type-only syntax in a new process', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ts-entry-'));
    try {
      const entry = join(dir, 'entry.ts');
      writeFileSync(
        entry,
        [
          'function tag(_target: unknown): void {}',
          '@tag',
          'class Greeter { constructor(readonly name: string) {} }',
          'const g: Greeter = new Greeter(process.argv[2] as string);',
          'process.stdout.write(`hello ${g.name}`);',
        ].join('\n'),
      );
      const out = execFileSync(process.execPath, ['-e', typescriptBootstrap('process.argv[1]'), entry, 'swc'], {
        cwd: join(__dirname, '..', '..', '..'),
        encoding: 'utf8',
      });
      expect(out).toBe('hello swc');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('should say the tests run from the sources', () => {
    expect(RUNNING_FROM_SOURCES).toBe(true);
    expect(moduleExtension()).toBe('.ts');
  });
});
