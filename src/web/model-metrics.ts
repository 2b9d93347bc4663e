import { isRecord } from '../engine';
import { confusionMatrixSvg, rocCurveSvg } from '../training/evaluation/charts';

/** The four counts of a confusion matrix, as the page names them. */
export interface ConfusionCounts {
  readonly tp: number;
  readonly fp: number;
  readonly tn: number;
  readonly fn: number;
}

export interface MetricSet {
  readonly name: string;
  readonly values: ReadonlyArray<{ name: string; value: number }>;
  readonly confusion?: ConfusionCounts;
  readonly roc?: ReadonlyArray<readonly [number, number]>;
  readonly rocAuc?: number;
}

const COUNT_KEYS = new Set(['tp', 'fp', 'tn', 'fn']);

/**
 * Reads the metrics recorded in an artifact, whether flat (`{accuracy, f1, tp, …}`) or per evaluation set
 * (`{sms: {…}, email: {…}}`), into named sets with their confusion counts and ROC points when present.
 */
export function metricSets(metrics: unknown): MetricSet[] {
  if (!isRecord(metrics)) return [];
  if (looksLikeMetrics(metrics)) return [toSet('evaluation', metrics)];
  return collect(metrics, [], 0);
}

/** Sets nested up to three levels deep (`{evaluation: {sms: {...}, email: {...}}}` → "sms", "email"). */
function collect(record: Record<string, unknown>, path: string[], depth: number): MetricSet[] {
  if (depth > 2) return [];
  return Object.entries(record).flatMap(([name, value]) => {
    if (!isRecord(value)) return [];
    if (looksLikeMetrics(value))
      return [toSet([...path, name].filter((p) => p !== 'evaluation').join(' / ') || name, value)];
    return collect(value, [...path, name], depth + 1);
  });
}

function looksLikeMetrics(m: Record<string, unknown>): boolean {
  return ['accuracy', 'f1', 'precision', 'recall', 'tp'].some((k) => typeof m[k] === 'number');
}

function toSet(name: string, m: Record<string, unknown>): MetricSet {
  const values = Object.entries(m)
    .filter(([k, v]) => typeof v === 'number' && Number.isFinite(v) && !COUNT_KEYS.has(k))
    .map(([k, v]) => ({ name: k, value: v as number }));
  return { name, values, confusion: confusionOf(m), roc: rocOf(m), rocAuc: numberOr(m.rocAuc ?? m.roc_auc) };
}

function confusionOf(m: Record<string, unknown>): ConfusionCounts | undefined {
  const [tp, fp, tn, fn] = ['tp', 'fp', 'tn', 'fn'].map((k) => numberOr(m[k]));
  if (tp !== undefined && fp !== undefined && tn !== undefined && fn !== undefined) return { tp, fp, tn, fn };
  const cm = m.confusionMatrix ?? m.confusion_matrix;
  if (
    Array.isArray(cm) &&
    cm.length === 2 &&
    cm.every((row) => Array.isArray(row) && row.length === 2 && row.every((x) => typeof x === 'number'))
  ) {
    const [[tn2, fp2], [fn2, tp2]] = cm as number[][];
    return { tp: tp2, fp: fp2, tn: tn2, fn: fn2 };
  }
  return undefined;
}

function rocOf(m: Record<string, unknown>): Array<[number, number]> | undefined {
  const roc = m.roc ?? m.rocCurve ?? m.roc_curve;
  if (isRecord(roc) && Array.isArray(roc.fpr) && Array.isArray(roc.tpr) && roc.fpr.length === roc.tpr.length) {
    return (roc.fpr as unknown[])
      .map((f, i) => [Number(f), Number((roc.tpr as unknown[])[i])] as [number, number])
      .filter(finitePair);
  }
  if (Array.isArray(roc)) {
    const points = roc
      .map((p): [number, number] =>
        Array.isArray(p) ? [Number(p[0]), Number(p[1])] : isRecord(p) ? [Number(p.fpr), Number(p.tpr)] : [NaN, NaN],
      )
      .filter(finitePair);
    return points.length > 0 ? points : undefined;
  }
  return undefined;
}

function finitePair(p: [number, number]): boolean {
  return Number.isFinite(p[0]) && Number.isFinite(p[1]);
}

function numberOr(x: unknown): number | undefined {
  return typeof x === 'number' && Number.isFinite(x) ? x : undefined;
}

/** The charts the model page draws for a metric set, by file name. */
export const METRIC_SET_CHARTS = ['confusion-matrix.svg', 'roc.svg'] as const;

/**
 * A metric set's chart, drawn with the training report's charts (the ROC curve runs from (0, 0) to (1, 1) through
 * the recorded points); undefined when the set has no data for it.
 */
export function metricSetChart(set: MetricSet, chart: string): string | undefined {
  if (chart === 'confusion-matrix.svg' && set.confusion) {
    const { tn, fp, fn, tp } = set.confusion;
    const confusionMatrix = [
      [tn, fp],
      [fn, tp],
    ] as const;
    return confusionMatrixSvg({ confusionMatrix }, `Confusion matrix (${set.name})`);
  }
  if (chart === 'roc.svg' && set.roc && set.roc.length > 0) {
    const sorted = [...set.roc].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    const points = [[0, 0] as const, ...sorted, [1, 1] as const].map(([fpr, tpr]) => ({ fpr, tpr }));
    return rocCurveSvg([{ name: set.name, points, auc: set.rocAuc ?? null }], `ROC curve (${set.name})`);
  }
  return undefined;
}
