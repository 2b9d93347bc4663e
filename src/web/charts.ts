/**
 * Small SVG charts for the model page, drawn from the numbers in the artifact. Every text that enters an SVG is
 * escaped; sizes are fixed so the page lays out without scripts.
 */
export interface ConfusionCounts {
  readonly tp: number;
  readonly fp: number;
  readonly tn: number;
  readonly fn: number;
}

export function escapeXml(text: string): string {
  return text.replace(
    /[<>&"']/g,
    (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&#39;' })[c] as string,
  );
}

export function confusionMatrixSvg(counts: ConfusionCounts, title = 'Confusion matrix'): string {
  const cells = [
    { x: 0, y: 0, label: 'TN', value: counts.tn, good: true },
    { x: 1, y: 0, label: 'FP', value: counts.fp, good: false },
    { x: 0, y: 1, label: 'FN', value: counts.fn, good: false },
    { x: 1, y: 1, label: 'TP', value: counts.tp, good: true },
  ];
  const max = Math.max(1, ...cells.map((c) => c.value));
  const size = 110;
  const ox = 110;
  const oy = 50;
  const rects = cells
    .map((c) => {
      const alpha = 0.15 + 0.85 * (c.value / max);
      const fill = c.good ? `rgba(34,120,60,${alpha.toFixed(3)})` : `rgba(180,40,40,${alpha.toFixed(3)})`;
      const x = ox + c.x * size;
      const y = oy + c.y * size;
      return (
        `<rect x="${x}" y="${y}" width="${size}" height="${size}" fill="${fill}" stroke="#333"/>` +
        `<text x="${x + size / 2}" y="${y + size / 2 - 6}" text-anchor="middle" font-size="22" font-weight="bold">${c.value}</text>` +
        `<text x="${x + size / 2}" y="${y + size / 2 + 18}" text-anchor="middle" font-size="13">${c.label}</text>`
      );
    })
    .join('');
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="360" height="300" viewBox="0 0 360 300" role="img" aria-label="${escapeXml(title)}">` +
    `<title>${escapeXml(title)}</title><rect width="360" height="300" fill="#fff"/>` +
    `<text x="${ox + size}" y="22" text-anchor="middle" font-size="14" font-family="sans-serif">predicted</text>` +
    `<text x="${ox + size / 2}" y="44" text-anchor="middle" font-size="12" font-family="sans-serif">not spam</text>` +
    `<text x="${ox + size * 1.5}" y="44" text-anchor="middle" font-size="12" font-family="sans-serif">spam</text>` +
    `<text x="${ox - 8}" y="${oy + size / 2}" text-anchor="end" font-size="12" font-family="sans-serif">not spam</text>` +
    `<text x="${ox - 8}" y="${oy + size * 1.5}" text-anchor="end" font-size="12" font-family="sans-serif">spam</text>` +
    `<text x="18" y="${oy + size}" font-size="14" font-family="sans-serif" transform="rotate(-90 18 ${oy + size})" text-anchor="middle">actual</text>` +
    `<g font-family="sans-serif">${rects}</g></svg>`
  );
}

/** ROC curve from (false positive rate, true positive rate) points, with the AUC in the title. */
export function rocCurveSvg(
  points: ReadonlyArray<readonly [number, number]>,
  auc: number | undefined,
  title = 'ROC curve',
): string {
  const w = 300;
  const ox = 50;
  const oy = 20;
  const sorted = [...points].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const path = [[0, 0], ...sorted, [1, 1]]
    .map(([fpr, tpr], i) => `${i === 0 ? 'M' : 'L'}${(ox + fpr * w).toFixed(1)},${(oy + (1 - tpr) * w).toFixed(1)}`)
    .join(' ');
  const label = auc === undefined ? title : `${title} (AUC ${auc.toFixed(4)})`;
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="380" height="380" viewBox="0 0 380 380" role="img" aria-label="${escapeXml(label)}">` +
    `<title>${escapeXml(label)}</title><rect width="380" height="380" fill="#fff"/>` +
    `<rect x="${ox}" y="${oy}" width="${w}" height="${w}" fill="none" stroke="#333"/>` +
    `<path d="M${ox},${oy + w} L${ox + w},${oy}" stroke="#aaa" stroke-dasharray="4 4" fill="none"/>` +
    `<path d="${path}" stroke="#1f5fae" stroke-width="2" fill="none"/>` +
    `<g font-family="sans-serif" font-size="12"><text x="${ox + w / 2}" y="${oy + w + 34}" text-anchor="middle">false positive rate</text>` +
    `<text x="16" y="${oy + w / 2}" transform="rotate(-90 16 ${oy + w / 2})" text-anchor="middle">true positive rate</text>` +
    `<text x="${ox + w / 2}" y="${oy + w + 56}" text-anchor="middle">${escapeXml(label)}</text>` +
    `<text x="${ox}" y="${oy + w + 16}" text-anchor="middle">0</text><text x="${ox + w}" y="${oy + w + 16}" text-anchor="middle">1</text></g></svg>`
  );
}
