import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ClassifierConfig } from './config/classifier.config';
import type { ArtifactCodec, DefaultModelTrainer } from './model-artifact.port';
import { ModelHolder } from './model-holder.service';
import { ModelLoader, ModelLoadError, ModelNotFoundError } from './model-loader.service';

describe(ModelLoader.name, () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'model-loader-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const codec = {
    parse: () => {
      throw new Error('checksum mismatch');
    },
  } as unknown as ArtifactCodec;
  const loader = () => new ModelLoader({ modelDir: dir } as ClassifierConfig, new ModelHolder(codec), codec);

  it('should refuse a reload of an unknown name with a typed 404 error', async () => {
    const error = await loader()
      .reload('v9')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelNotFoundError);
    expect(error).toMatchObject({
      httpStatus: 404,
      message: 'no artifact named "v9" (file name or version) in MODEL_DIR',
    });
  });

  it('should refuse an unloadable artifact with a typed 422 error saying the previous model keeps serving', async () => {
    writeFileSync(join(dir, 'broken.json'), '{}');
    const named = await loader()
      .reload('broken.json')
      .catch((e: unknown) => e);
    expect(named).toBeInstanceOf(ModelLoadError);
    expect(named).not.toBeInstanceOf(ModelNotFoundError);
    expect(named).toMatchObject({
      httpStatus: 422,
      message: 'artifact broken.json is not loadable: checksum mismatch; the previous model keeps serving',
    });
    const newest = await loader()
      .reload()
      .catch((e: unknown) => e);
    expect(newest).toMatchObject({
      httpStatus: 422,
      message: 'no loadable model artifact in MODEL_DIR; the previous model keeps serving',
    });
  });

  describe('at start', () => {
    const trainer = () => ({ train: jest.fn(() => Promise.reject(new Error('must not train'))) });
    const starting = (training: { train: jest.Mock }) =>
      new ModelLoader(
        { modelDir: dir } as ClassifierConfig,
        new ModelHolder(codec),
        codec,
        training as unknown as DefaultModelTrainer,
      );

    it('should parse each artifact once and serve the newest (no second parse to load it)', async () => {
      writeFileSync(join(dir, 'old.json'), JSON.stringify({ version: 'v1', createdAt: '2026-01-01T00:00:00Z' }));
      writeFileSync(join(dir, 'new.json'), JSON.stringify({ version: 'v2', createdAt: '2026-02-01T00:00:00Z' }));
      const parsed: string[] = [];
      const counting = {
        parse: (bytes: Buffer, source: string) => {
          parsed.push(source);
          const metadata = JSON.parse(bytes.toString('utf8')) as { version: string };
          return { metadata: { ...metadata, algorithm: 'svm' }, checksum: `sha-${metadata.version}` };
        },
        toClassifier: () => ({}),
      } as unknown as ArtifactCodec;
      const holder = new ModelHolder(counting);
      const loader = new ModelLoader({ modelDir: dir } as ClassifierConfig, holder, counting);
      const active = await loader.loadAtStart();
      expect(active.artifact.metadata.version).toBe('v2');
      expect(holder.active()).toBe(active);
      expect(active.source).toBe('new.json');
      expect(loader.lastLoaded()).toEqual({ path: join(dir, 'new.json'), checksum: 'sha-v2' });
      expect(parsed.sort()).toEqual(['new.json', 'old.json']);
      // A later listing (the model page, a reload) reuses what the start verified.
      expect((await loader.listArtifacts()).map((entry) => entry.artifact?.metadata.version)).toEqual(['v2', 'v1']);
      expect(parsed).toHaveLength(2);
    });

    it('should not train over a refused artifact but move it aside and say why', async () => {
      writeFileSync(join(dir, 'model.json'), '{"tampered":true}');
      const training = trainer();
      const error = await starting(training)
        .loadAtStart()
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ModelLoadError);
      expect((error as Error).message).toMatch(
        /^MODEL_DIR holds 1 artifact\(s\) and none passes verification, so no model serves from it and the default model is not trained over them: model\.json \(moved to rejected\/model\.json\.\d{8}T\d{6}Z\): checksum mismatch$/,
      );
      expect((error as Error).message).not.toContain(dir);
      expect(training.train).not.toHaveBeenCalled();
      expect(readdirSync(dir)).toEqual(['rejected']);
      const [aside] = readdirSync(join(dir, 'rejected'));
      expect(readFileSync(join(dir, 'rejected', aside), 'utf8')).toBe('{"tampered":true}');
    });

    it('should not train either on a later start while refused artifacts are kept aside', async () => {
      mkdirSync(join(dir, 'rejected'));
      writeFileSync(join(dir, 'rejected', 'model.json.20261202T150000Z'), '{}');
      const training = trainer();
      await expect(starting(training).loadAtStart()).rejects.toThrow(
        'no loadable artifact in MODEL_DIR and 1 artifact(s) refused at an earlier start in MODEL_DIR/rejected/ (model.json.20261202T150000Z)',
      );
      expect(training.train).not.toHaveBeenCalled();
    });

    it('should train the default model into a folder that never held an artifact', async () => {
      const training = { train: jest.fn(() => Promise.reject(new Error('trainer called'))) };
      await expect(starting(training).loadAtStart()).rejects.toThrow('trainer called');
      expect(training.train).toHaveBeenCalledWith(dir);
    });

    it('should refuse a symbolic link without reading what it points to', async () => {
      const outside = mkdtempSync(join(tmpdir(), 'model-loader-outside-'));
      try {
        writeFileSync(join(outside, 'passwd'), 'root:x:0:0:root:/root:/bin/bash\n');
        symlinkSync(join(outside, 'passwd'), join(dir, 'model.json'));
        // A codec that would echo what it was given: the link's target must never reach it.
        const echoing = {
          parse: (bytes: Buffer) => {
            throw new Error(`not JSON: ${bytes.toString('utf8')}`);
          },
        } as unknown as ArtifactCodec;
        const loader = new ModelLoader({ modelDir: dir } as ClassifierConfig, new ModelHolder(echoing), echoing);
        const [entry] = await loader.listArtifacts();
        expect(entry).toMatchObject({
          file: 'model.json',
          error: 'model.json: a symbolic link; only regular files inside the model folder are read',
        });
        const error = (await loader.loadAtStart().catch((e: unknown) => e)) as Error;
        expect(error.message).toContain('model.json (moved to rejected/model.json.');
        expect(error.message).not.toContain('root');
        expect(existsSync(join(outside, 'passwd'))).toBe(true);
      } finally {
        rmSync(outside, { recursive: true, force: true });
      }
    });
  });
});
