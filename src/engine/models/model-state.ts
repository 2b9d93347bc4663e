import { ALGORITHMS, type Algorithm, type TrainedModel } from '../types';
import type { SigmoidCalibration } from './calibration';
import { LinearModel } from './linear-model';
import { resolveModelParams } from './model-params';
import { RandomForestModel } from './random-forest';
import { isRecord } from '../is-record';

const WHERE = 'model state';

function fail(field: string, rule: string, value?: unknown): never {
  const got = value === undefined ? '' : ` (got ${summary(value)})`;
  throw new Error(`${WHERE}: "${field}" ${rule}${got}`);
}

function summary(value: unknown): string {
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (value !== null && typeof value === 'object') return 'an object';
  return JSON.stringify(value) ?? String(value);
}

function finiteNumber(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) fail(field, 'must be a finite number', value);
  return value;
}

function integerIn(value: unknown, field: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    fail(field, `must be an integer from ${min} to ${max}`, value);
  }
  return value;
}

function numberArray(value: unknown, field: string, length?: number): number[] {
  if (!Array.isArray(value)) fail(field, 'must be an array of numbers', value);
  if (length !== undefined && value.length !== length) fail(field, `must hold ${length} numbers`, value);
  for (let i = 0; i < value.length; i++) {
    const v: unknown = value[i];
    if (typeof v !== 'number' || !Number.isFinite(v)) fail(`${field}[${i}]`, 'must be a finite number', v);
  }
  return value as number[];
}

function calibrationOf(value: unknown): SigmoidCalibration | null {
  if (value === null) return null;
  if (!isRecord(value)) fail('calibration', 'must be null or { a, b }', value);
  return { a: finiteNumber(value.a, 'calibration.a'), b: finiteNumber(value.b, 'calibration.b') };
}

/**
 * Rebuilds a model from `TrainedModel.toState()` output (e.g. parsed from an artifact), checking every field
 * first; the error names the first bad field. The rebuilt model gives the same decisions bit for bit.
 */
export function modelFromState(state: unknown): TrainedModel {
  if (!isRecord(state)) fail('(root)', 'must be an object', state);
  const algorithm = state.algorithm;
  if (typeof algorithm !== 'string' || !ALGORITHMS.includes(algorithm as Algorithm)) {
    fail('algorithm', `must be one of ${ALGORITHMS.join(', ')}`, algorithm);
  }
  const params = resolveModelParams(algorithm as Algorithm, state.params ?? {}, 'params.', WHERE);
  const nFeatures = integerIn(state.nFeatures, 'nFeatures', 1, 2 ** 31 - 1);
  const calibration = calibrationOf(state.calibration);
  const expectedFormat = algorithm === 'random_forest' ? 'forest' : 'linear';
  if (state.format !== expectedFormat) fail('format', `must be '${expectedFormat}' for ${algorithm}`, state.format);
  if (expectedFormat === 'linear') {
    const weights = Float64Array.from(numberArray(state.weights, 'weights', nFeatures));
    const bias = finiteNumber(state.bias, 'bias');
    return new LinearModel(algorithm as Algorithm, params, weights, bias, calibration);
  }
  const value = numberArray(state.value, 'value');
  const nNodes = value.length;
  if (nNodes === 0) fail('value', 'must hold at least one node', value);
  const feature = numberArray(state.feature, 'feature', nNodes);
  const threshold = numberArray(state.threshold, 'threshold', nNodes);
  const left = numberArray(state.left, 'left', nNodes);
  const right = numberArray(state.right, 'right', nNodes);
  const roots = numberArray(state.roots, 'roots');
  if (roots.length === 0) fail('roots', 'must hold at least one tree', roots);
  for (let t = 0; t < roots.length; t++) {
    integerIn(roots[t], `roots[${t}]`, t === 0 ? 0 : roots[t - 1] + 1, nNodes - 1);
  }
  if (roots[0] !== 0) fail('roots[0]', 'must be 0', roots[0]);
  let tree = 0;
  for (let node = 0; node < nNodes; node++) {
    while (tree + 1 < roots.length && roots[tree + 1] <= node) tree++;
    const treeEnd = tree + 1 < roots.length ? roots[tree + 1] : nNodes;
    if (value[node] < 0 || value[node] > 1) fail(`value[${node}]`, 'must be in [0, 1]', value[node]);
    if (feature[node] === -1) {
      if (left[node] !== -1 || right[node] !== -1) fail(`left[${node}]`, 'must be -1 for a leaf', left[node]);
      continue;
    }
    integerIn(feature[node], `feature[${node}]`, 0, nFeatures - 1);
    // Children after their parent and inside the same tree: no cycles, every walk ends at a leaf.
    integerIn(left[node], `left[${node}]`, node + 1, treeEnd - 1);
    integerIn(right[node], `right[${node}]`, node + 1, treeEnd - 1);
  }
  return new RandomForestModel(
    params,
    nFeatures,
    {
      roots: Int32Array.from(roots),
      feature: Int32Array.from(feature),
      threshold: Float64Array.from(threshold),
      left: Int32Array.from(left),
      right: Int32Array.from(right),
      value: Float64Array.from(value),
    },
    calibration,
  );
}
