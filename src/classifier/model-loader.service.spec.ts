import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ClassifierConfig } from './config/classifier.config';
import type { ArtifactCodec } from './model-artifact.port';
import type { ModelHolder } from './model-holder.service';
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
