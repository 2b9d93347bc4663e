import {
  inspectArtifactAsync,
  loadPipelineAsync,
  parseArtifact,
  pipelineFromArtifact,
  type ModelArtifact,
  type SpamClassifier,
} from '../engine';
import {
  ArtifactCodec,
  type ClassifierBuildOptions,
  type LoadedClassifier,
  type ServedArtifact,
} from './model-artifact.port';

/** The engine's artifact code behind the service's port: checksum-verified parsing, pipelines with CLASSIFY_MAX_CHARS. */
export class EngineArtifactCodec extends ArtifactCodec {
  parse(bytes: string | Buffer, source: string): ServedArtifact {
    return parseArtifact(bytes, source) as unknown as ServedArtifact;
  }

  toClassifier(artifact: ServedArtifact, options: ClassifierBuildOptions): SpamClassifier {
    return pipelineFromArtifact(artifact as unknown as ModelArtifact, { maxChars: options.maxChars });
  }

  override async load(
    bytes: string | Buffer,
    source: string,
    options: ClassifierBuildOptions,
  ): Promise<LoadedClassifier> {
    const { artifact, pipeline } = await loadPipelineAsync(bytes, source, { maxChars: options.maxChars });
    return { artifact: artifact as unknown as ServedArtifact, classifier: pipeline };
  }

  override async inspect(bytes: string | Buffer, source: string): Promise<ServedArtifact> {
    return (await inspectArtifactAsync(bytes, source)) as unknown as ServedArtifact;
  }
}
