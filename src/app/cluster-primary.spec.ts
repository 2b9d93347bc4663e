import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { modelArtifactPresent, requestedWorkers } from './cluster-primary';

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
