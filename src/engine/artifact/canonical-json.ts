import { ArtifactError } from './artifact-error';

/**
 * Canonical JSON: object keys sorted by code unit, no whitespace, numbers as JavaScript's shortest round-trip form.
 * Parsing it back and writing it again gives the same bytes, so a checksum over it survives a round trip.
 * Non-finite numbers and values JSON cannot hold are refused with the path of the offending value.
 */
export function canonicalJson(value: unknown, path = '$'): string {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return JSON.stringify(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new ArtifactError(`${path}: ${value} cannot be stored in JSON`);
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) {
    if (isFlatArray(value, path)) return JSON.stringify(value);
    return `[${value.map((item, i) => canonicalJson(item, `${path}[${i}]`)).join(',')}]`;
  }
  if (typeof value === 'object' && !ArrayBuffer.isView(value)) {
    const keys = Object.keys(value).sort();
    const record = value as Record<string, unknown>;
    const parts: string[] = [];
    for (const key of keys) {
      if (record[key] === undefined) continue;
      parts.push(`${JSON.stringify(key)}:${canonicalJson(record[key], `${path}.${key}`)}`);
    }
    return `{${parts.join(',')}}`;
  }
  throw new ArtifactError(
    `${path}: a ${ArrayBuffer.isView(value) ? 'typed array' : typeof value} cannot be stored in JSON`,
  );
}

/** Arrays of finite numbers or of strings (weights, vocabulary) go through JSON.stringify in one call. */
function isFlatArray(values: unknown[], path: string): boolean {
  if (values.length === 0) return true;
  if (typeof values[0] === 'number') {
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (typeof v !== 'number') return false;
      if (!Number.isFinite(v)) throw new ArtifactError(`${path}[${i}]: ${v} cannot be stored in JSON`);
    }
    return true;
  }
  if (typeof values[0] === 'string') return values.every((v) => typeof v === 'string');
  return false;
}
