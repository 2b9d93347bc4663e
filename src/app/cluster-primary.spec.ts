import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { projectRoot } from '../config/project-root';
import {
  modelArtifactPresent,
  modelLocationFromEnvironment,
  requestedWorkers,
  workerEnvironment,
} from './cluster-primary';

describe(requestedWorkers.name, () => {
  it('should read WEB_CONCURRENCY as a plain number', () => {
    expect(requestedWorkers({ WEB_CONCURRENCY: '2' })).toBe(2);
    expect(requestedWorkers({ WEB_CONCURRENCY: ' 4 ' })).toBe(4);
  });

  it('should start one server process, which validates and names a bad value, for anything else', () => {
    expect(requestedWorkers({})).toBe(1);
    expect(requestedWorkers({ WEB_CONCURRENCY: 'two' })).toBe(1);
    expect(requestedWorkers({ WEB_CONCURRENCY: '-2' })).toBe(1);
    expect(requestedWorkers({ WEB_CONCURRENCY: '1.5' })).toBe(1);
  });
});

describe(modelArtifactPresent.name, () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'cluster-primary-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('should see an artifact file in MODEL_DIR, not a temp or dot file, nor a missing folder', async () => {
    expect(await modelArtifactPresent({ modelPath: undefined, modelDir: join(dir, 'missing') })).toBe(false);
    mkdirSync(join(dir, 'models', 'report'), { recursive: true });
    writeFileSync(join(dir, 'models', '.model.json.tmp-1'), '{}');
    writeFileSync(join(dir, 'models', 'notes.txt'), '');
    expect(await modelArtifactPresent({ modelPath: undefined, modelDir: join(dir, 'models') })).toBe(false);
    writeFileSync(join(dir, 'models', 'model.json'), '{}');
    expect(await modelArtifactPresent({ modelPath: undefined, modelDir: join(dir, 'models') })).toBe(true);
  });

  it('should not wait for training when MODEL_PATH names the artifact', async () => {
    expect(await modelArtifactPresent({ modelPath: '/models/v3.json', modelDir: join(dir, 'missing') })).toBe(true);
  });
});

describe(modelLocationFromEnvironment.name, () => {
  it('should read MODEL_PATH and MODEL_DIR as the classifier does: trimmed, blank as unset, var/models by default', () => {
    expect(modelLocationFromEnvironment({})).toEqual({
      modelPath: undefined,
      modelDir: join(projectRoot(), 'var', 'models'),
    });
    expect(modelLocationFromEnvironment({ MODEL_PATH: '  ', MODEL_DIR: ' ' })).toEqual({
      modelPath: undefined,
      modelDir: join(projectRoot(), 'var', 'models'),
    });
    expect(modelLocationFromEnvironment({ MODEL_PATH: ' models/v3.json ', MODEL_DIR: ' /srv/models ' })).toEqual({
      modelPath: resolve('models/v3.json'),
      modelDir: '/srv/models',
    });
  });
});

describe(workerEnvironment.name, () => {
  it("should fix glibc's mmap threshold for the workers unless the operator tuned it", () => {
    expect(workerEnvironment({})).toEqual({ MALLOC_MMAP_THRESHOLD_: '131072' });
    expect(workerEnvironment({ MALLOC_MMAP_THRESHOLD_: '65536' })).toEqual({});
    expect(workerEnvironment({ GLIBC_TUNABLES: 'glibc.malloc.mmap_threshold=262144' })).toEqual({});
    expect(workerEnvironment({ GLIBC_TUNABLES: 'glibc.malloc.arena_max=2' })).toEqual({
      MALLOC_MMAP_THRESHOLD_: '131072',
    });
  });
});
