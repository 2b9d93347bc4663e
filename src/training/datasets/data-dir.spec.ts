import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { projectRoot } from '../../config/project-root';
import { cacheDir, resolveDataDir } from './data-dir';

describe(resolveDataDir.name, () => {
  it('should prefer the explicit folder, then SPAM_DATA_DIR, then ../shared/data beside the project', () => {
    expect(resolveDataDir('/x/data', { SPAM_DATA_DIR: '/y' })).toBe('/x/data');
    expect(resolveDataDir(undefined, { SPAM_DATA_DIR: '/y/data' })).toBe('/y/data');
    expect(resolveDataDir('  ', { SPAM_DATA_DIR: '' })).toBe(resolve(projectRoot(), '..', 'shared', 'data'));
  });

  it('should find the project root from its package.json and keep caches in .data/cache', () => {
    expect(existsSync(join(projectRoot(), 'package.json'))).toBe(true);
    expect(projectRoot()).toBe(resolve(__dirname, '../../..'));
    expect(cacheDir()).toBe(join(projectRoot(), '.data', 'cache'));
  });
});
