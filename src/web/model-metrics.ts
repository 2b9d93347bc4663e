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
 * Fewer messages than this (or no message of one class) make a ranking measure noise: a hold-out of two feedback
 * messages gives a ROC AUC of 0 or 1 by chance, so the page shows none for it and says why.
 */
export const MIN_MESSAGES_FOR_AUC = 20;

/** Metric names as the page writes them, in the order it lists them; others follow in their recorded order. */
const METRIC_LABELS: ReadonlyArray<readonly [string, string]> = [
  ['n', 'Messages'],
  ['accuracy', 'Accuracy'],
  ['precision', 'Precision'],
  ['recall', 'Recall'],
  ['f1', 'F1'],
  ['mcc', 'Matthews correlation (MCC)'],
  ['rocAuc', 'ROC AUC'],
  ['roc_auc', 'ROC AUC'],
  ['prAuc', 'PR AUC'],
  ['pr_auc', 'PR AUC'],
  ['averagePrecision', 'Average precision'],
  ['threshold', 'Decision threshold'],
];
const AUC_KEYS = new Set(['rocAuc', 'roc_auc', 'prAuc', 'pr_auc', 'averagePrecision']);
/** Values that count messages: written as integers. */
const INTEGER_KEYS = new Set(['n', 'support', 'count', 'messages', 'positives', 'negatives', 'spam', 'ham']);

/** One row of a metric set's table on the page. */
export interface MetricRow {
  readonly name: string;
  readonly label: string;
  readonly text: string;
}

/** A metric set as the page shows it: rows in words, and why the AUC is missing when it is held back. */
export interface MetricTable {
  readonly rows: MetricRow[];
  readonly aucNote?: string;
  readonly showRoc: boolean;
}

/** The rows of a set's table: names in words, counts as integers, AUCs only for a set large enough to rank. */
export function metricTable(set: MetricSet): MetricTable {
  const tooSmall = tooSmallForAuc(set);
  const order = (name: string): number => {
    const at = METRIC_LABELS.findIndex(([key]) => key === name);
    return at < 0 ? METRIC_LABELS.length : at;
  };
  const rows = [...set.values]
    .filter((v) => !(tooSmall && AUC_KEYS.has(v.name)))
    .sort((a, b) => order(a.name) - order(b.name))
    .map(({ name, value }) => ({ name, label: labelOf(name), text: formatMetric(name, value) }));
  return { rows, aucNote: tooSmall, showRoc: !tooSmall && (set.roc?.length ?? 0) > 0 };
}

/** Why a set gets no AUC (a sentence for the page), or undefined when it is large enough. */
function tooSmallForAuc(set: MetricSet): string | undefined {
  const n = set.values.find((v) => v.name === 'n')?.value;
  const c = set.confusion;
  const size = n ?? (c ? c.tp + c.fp + c.tn + c.fn : undefined);
  if (size === undefined) return undefined;
  const spam = c ? c.tp + c.fn : undefined;
  const notSpam = c ? c.tn + c.fp : undefined;
  const oneClass = spam === 0 || notSpam === 0;
  if (size >= MIN_MESSAGES_FOR_AUC && !oneClass) return undefined;
  const held = set.rocAuc !== undefined || set.values.some((v) => AUC_KEYS.has(v.name)) || (set.roc?.length ?? 0) > 0;
  if (!held) return undefined;
  const kinds = spam === undefined ? '' : ` (${count(spam, 'spam')}, ${notSpam} not spam)`;
  return (
    `No ROC AUC for ${set.name}: ${count(size, 'message')}${kinds} are too few to rank; ` +
    `it needs at least ${MIN_MESSAGES_FOR_AUC} with both kinds.`
  );
}

function count(n: number, noun: string): string {
  const whole = Math.round(n);
  return noun === 'spam' ? `${whole} spam` : `${whole} ${noun}${whole === 1 ? '' : 's'}`;
}

function labelOf(name: string): string {
  const known = METRIC_LABELS.find(([key]) => key === name)?.[1];
  if (known) return known;
  const words = name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/[_.-]+/g, ' ')
    .toLowerCase()
    .trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** Counts as integers, everything else with four decimals. */
export function formatMetric(name: string, value: number): string {
  if (INTEGER_KEYS.has(name) || (Number.isInteger(value) && Math.abs(value) > 1)) return String(Math.round(value));
  return value.toFixed(4);
}

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
  if (chart === 'roc.svg' && metricTable(set).showRoc && set.roc) {
    const sorted = [...set.roc].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    const points = [[0, 0] as const, ...sorted, [1, 1] as const].map(([fpr, tpr]) => ({ fpr, tpr }));
    return rocCurveSvg([{ name: set.name, points, auc: set.rocAuc ?? null }], `ROC curve (${set.name})`);
  }
  return undefined;
}
