import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureModelArtifact } from './model-loader.service';

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
