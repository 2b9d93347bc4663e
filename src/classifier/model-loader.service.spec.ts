import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ClassifierConfig } from './config/classifier.config';
import type { ArtifactCodec } from './model-artifact.port';
import type { ModelHolder } from './model-holder.service';
import { ensureModelArtifact, ModelLoader, ModelLoadError, ModelNotFoundError } from './model-loader.service';

describe(ensureModelArtifact.name, () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'ensure-model-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const config = (modelDir: string, modelPath?: string) => ({
    modelDir,
    modelPath,
    classifyMaxChars: 20000,
    maxTextChars: 10,
    maxBatchSize: 1,
    predictionLogSampleRate: 1,
  });

  it('should train once into an empty model folder, and not again when an artifact exists', async () => {
    const calls: string[] = [];
    const trainer = {
      train: async (outDir: string) => {
        calls.push(outDir);
        writeFileSync(join(outDir, 'm.json'), '{}');
        return { artifactPath: join(outDir, 'm.json') };
      },
    };
    const modelDir = join(dir, 'models');
    await ensureModelArtifact(config(modelDir), trainer);
    await ensureModelArtifact(config(modelDir), trainer);
    expect(calls).toEqual([modelDir]);
    expect(readdirSync(modelDir)).toEqual(['m.json']);
  });

  it('should leave things alone with MODEL_PATH or without a trainer', async () => {
    const trainer = { train: jest.fn() };
    await ensureModelArtifact(config(join(dir, 'a'), '/some/model.json'), trainer);
    await ensureModelArtifact(config(join(dir, 'b')), undefined);
    expect(trainer.train).not.toHaveBeenCalled();
  });
});

describe(ModelLoader.name, () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'model-loader-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const codec = {
    parse: () => {
      throw new Error('checksum mismatch');
    },
  } as unknown as ArtifactCodec;
  const loader = () => new ModelLoader({ modelDir: dir } as ClassifierConfig, {} as ModelHolder, codec);

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
});
