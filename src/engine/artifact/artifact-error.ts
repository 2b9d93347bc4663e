/** An artifact (or a part of one, such as vectorizer or model state) that cannot be used; the message names why. */
export class ArtifactError extends Error {
  override readonly name = 'ArtifactError';
}
