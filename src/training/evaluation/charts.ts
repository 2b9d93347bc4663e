import type { EvaluationMetrics, PrecisionRecallPoint, RocPoint } from './metrics';

/**
 * The SVG charts of a model's evaluation: the training report (with PNG copies), the registry's run artifacts and the
 * model page all draw these. Every text that enters an SVG is escaped.
 */

/** Escapes text for SVG content and attribute values. */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&${{ '&': 'amp', '<': 'lt', '>': 'gt', '"': 'quot', "'": 'apos' }[c]};`);
}

const FONT = 'font-family="DejaVu Sans, Arial, Helvetica, sans-serif"';
const COLOURS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b'];

const fmt = (value: number) => Number(value.toFixed(2)).toString();

/** A 2×2 confusion matrix: rows = true not spam/spam, columns = predicted not spam/spam (the page's words), cells shaded by their row share. */
export function confusionMatrixSvg(
  metrics: Pick<EvaluationMetrics, 'confusionMatrix'>,
  title = 'Confusion matrix',
): string {
  const size = 120;
  const left = 110;
  const top = 80;
  const names = ['not spam', 'spam'];
  const cells: string[] = [];
  metrics.confusionMatrix.forEach((row, r) => {
    const total = row[0] + row[1];
    row.forEach((count, c) => {
      const share = total === 0 ? 0 : count / total;
      const x = left + c * size;
      const y = top + r * size;
      const fill = `rgb(${Math.round(255 - share * 224)},${Math.round(255 - share * 136)},${Math.round(255 - share * 75)})`;
      const ink = share > 0.55 ? '#ffffff' : '#111111';
      cells.push(
        `<rect x="${x}" y="${y}" width="${size}" height="${size}" fill="${fill}" stroke="#444"/>`,
        `<text x="${x + size / 2}" y="${y + size / 2 + 8}" text-anchor="middle" font-size="24" fill="${ink}" ${FONT}>${count}</text>`,
      );
    });
  });
  const labels = names.flatMap((name, k) => [
    `<text x="${left + k * size + size / 2}" y="${top - 10}" text-anchor="middle" font-size="14" ${FONT}>${name}</text>`,
    `<text x="${left - 10}" y="${top + k * size + size / 2 + 5}" text-anchor="end" font-size="14" ${FONT}>${name}</text>`,
  ]);
  const width = left + 2 * size + 30;
  const height = top + 2 * size + 50;
  return svgDocument(width, height, [
    `<text x="${width / 2}" y="24" text-anchor="middle" font-size="16" font-weight="bold" ${FONT}>${escapeXml(title)}</text>`,
    `<text x="${left + size}" y="${top - 32}" text-anchor="middle" font-size="12" fill="#555" ${FONT}>predicted</text>`,
    `<text x="20" y="${top + size}" text-anchor="middle" font-size="12" fill="#555" transform="rotate(-90 20 ${top + size})" ${FONT}>true</text>`,
    ...cells,
    ...labels,
  ]);
}

export interface CurveSeries {
  readonly name: string;
  /** Points in data units, both axes in [0, 1]. */
  readonly points: ReadonlyArray<readonly [number, number]>;
}

/** A line chart on the unit square with a legend; `diagonal` adds the chance line of a ROC plot. */
export function curveChartSvg(options: {
  title: string;
  xLabel: string;
  yLabel: string;
  series: readonly CurveSeries[];
  diagonal?: boolean;
}): string {
  const width = 520;
  const height = 470;
  const left = 64;
  const top = 44;
  const plot = 360;
  const x = (v: number) => left + v * plot;
  const y = (v: number) => top + (1 - v) * plot;
  const parts: string[] = [
    `<text x="${width / 2}" y="24" text-anchor="middle" font-size="16" font-weight="bold" ${FONT}>${escapeXml(options.title)}</text>`,
    `<rect x="${left}" y="${top}" width="${plot}" height="${plot}" fill="#fff" stroke="#444"/>`,
  ];
  for (let t = 0; t <= 10; t += 2) {
    const v = t / 10;
    parts.push(
      `<line x1="${fmt(x(v))}" y1="${top}" x2="${fmt(x(v))}" y2="${top + plot}" stroke="#e5e5e5"/>`,
      `<line x1="${left}" y1="${fmt(y(v))}" x2="${left + plot}" y2="${fmt(y(v))}" stroke="#e5e5e5"/>`,
      `<text x="${fmt(x(v))}" y="${top + plot + 18}" text-anchor="middle" font-size="11" ${FONT}>${v.toFixed(1)}</text>`,
      `<text x="${left - 8}" y="${fmt(y(v) + 4)}" text-anchor="end" font-size="11" ${FONT}>${v.toFixed(1)}</text>`,
    );
  }
  if (options.diagonal) {
    parts.push(`<line x1="${x(0)}" y1="${y(0)}" x2="${x(1)}" y2="${y(1)}" stroke="#999" stroke-dasharray="5,4"/>`);
  }
  options.series.forEach((series, k) => {
    const colour = COLOURS[k % COLOURS.length];
    const path = series.points.map(([px, py]) => `${fmt(x(clamp01(px)))},${fmt(y(clamp01(py)))}`).join(' ');
    parts.push(`<polyline points="${path}" fill="none" stroke="${colour}" stroke-width="2"/>`);
    const ly = top + plot - 12 - (options.series.length - 1 - k) * 18;
    parts.push(
      `<line x1="${left + plot - 170}" y1="${ly - 4}" x2="${left + plot - 150}" y2="${ly - 4}" stroke="${colour}" stroke-width="3"/>`,
      `<text x="${left + plot - 144}" y="${ly}" font-size="11" ${FONT}>${escapeXml(series.name)}</text>`,
    );
  });
  parts.push(
    `<text x="${left + plot / 2}" y="${height - 12}" text-anchor="middle" font-size="13" ${FONT}>${escapeXml(options.xLabel)}</text>`,
    `<text x="18" y="${top + plot / 2}" text-anchor="middle" font-size="13" transform="rotate(-90 18 ${top + plot / 2})" ${FONT}>${escapeXml(options.yLabel)}</text>`,
  );
  return svgDocument(width, height, parts);
}

export function rocCurveSvg(
  series: ReadonlyArray<{ name: string; points: ReadonlyArray<Pick<RocPoint, 'fpr' | 'tpr'>>; auc: number | null }>,
  title = 'ROC curve',
): string {
  return curveChartSvg({
    title,
    xLabel: 'false positive rate',
    yLabel: 'true positive rate (spam recall)',
    diagonal: true,
    series: series.map((s) => ({
      name: s.auc === null ? s.name : `${s.name} (AUC ${s.auc.toFixed(4)})`,
      points: s.points.map((p) => [p.fpr, p.tpr] as const),
    })),
  });
}

export function precisionRecallSvg(
  series: ReadonlyArray<{ name: string; points: readonly PrecisionRecallPoint[] }>,
  title = 'Precision–recall curve',
): string {
  return curveChartSvg({
    title,
    xLabel: 'recall',
    yLabel: 'precision',
    series: series.map((s) => ({ name: s.name, points: s.points.map((p) => [p.recall, p.precision] as const) })),
  });
}

function clamp01(v: number): number {
  return Number.isFinite(v) ? Math.min(1, Math.max(0, v)) : 0;
}

function svgDocument(width: number, height: number, parts: readonly string[]): string {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">`,
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
    ...parts,
    '</svg>',
    '',
  ].join('\n');
}

/** Renders an SVG to PNG with resvg, using the system fonts (DejaVu on Debian). */
export function svgToPng(svg: string): Buffer {
  // Loaded on first use: the service draws SVG for its pages, and only training renders PNG.
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy on purpose
  const { Resvg } = require('@resvg/resvg-js') as typeof import('@resvg/resvg-js');
  const resvg = new Resvg(svg, { font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' } });
  return Buffer.from(resvg.render().asPng());
}
