import { readdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { ActiveModel } from '../classifier/model-holder.service';

const CHART_FILE = /^[\w.-]{1,100}\.svg$/;

/**
 * The training report the trainer leaves beside an artifact (`<model dir>/report/`: ROC, precision-recall and
 * confusion-matrix charts, report.json), used only when its report.json names the active model's version.
 * `artifactPath`: the active model's file (none for a model from the registry).
 */
export async function reportDirFor(
  active: ActiveModel | undefined,
  artifactPath: string | undefined,
): Promise<string | undefined> {
  if (!active || !artifactPath) return undefined;
  const dir = join(dirname(artifactPath), 'report');
  try {
    const report = JSON.parse(await readFile(join(dir, 'report.json'), 'utf8')) as { model?: { version?: string } };
    return report.model?.version === active.artifact.metadata.version ? dir : undefined;
  } catch {
    return undefined;
  }
}

/** The SVG charts of the active model's training report, by file name. */
export async function reportCharts(
  active: ActiveModel | undefined,
  artifactPath: string | undefined,
): Promise<string[]> {
  const dir = await reportDirFor(active, artifactPath);
  if (!dir) return [];
  return (await readdir(dir)).filter((file) => CHART_FILE.test(file)).sort();
}

/** One chart's SVG, or undefined when the name is not a chart of the active model's report. */
export async function reportChart(
  active: ActiveModel | undefined,
  artifactPath: string | undefined,
  file: string,
): Promise<string | undefined> {
  if (!CHART_FILE.test(file)) return undefined;
  const dir = await reportDirFor(active, artifactPath);
  if (!dir) return undefined;
  return readFile(join(dir, file), 'utf8').catch(() => undefined);
}
