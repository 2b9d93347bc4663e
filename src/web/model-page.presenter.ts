import { Inject, Injectable, NotFoundException, Optional } from '@nestjs/common';
import { ChampionFollower } from '../classifier/champion-follower';
import { cardOf } from '../classifier/model-card.service';
import { ModelHolder } from '../classifier/model-holder.service';
import { ModelLoader } from '../classifier/model-loader.service';
import { mlflowConfig, type MlflowConfig } from '../mlflow/config/mlflow.config';
import { DEFAULT_RUN_LOGGER_OPTIONS } from '../mlflow/run-logger';
import { TrackingStore } from '../mlflow/tracking-store';
import { formatMetric, metricSetChart, metricSets, metricTable, type MetricSet } from './model-metrics';
import { PageFacts } from './page-facts.service';
import { withoutInternals } from './public-text';
import { registryStatus } from './registry-status';
import { readTrackingHistory, type TrackingHistory } from './tracking-history';
import { operatingPointWords } from './threshold-words';
import { reportChart, reportCharts } from './training-report';

/**
 * The model page (model.hbs): the serving model's card and metrics with their charts, its training report, the
 * model folder, and, when the registry modules are loaded, the tracking history and the champion follower's state.
 */
@Injectable()
export class ModelPagePresenter {
  constructor(
    private readonly holder: ModelHolder,
    private readonly loader: ModelLoader,
    private readonly pageFacts: PageFacts,
    @Optional() private readonly tracking?: TrackingStore,
    @Optional() @Inject(mlflowConfig.KEY) private readonly mlflow?: MlflowConfig,
    @Optional() private readonly follower?: ChampionFollower,
  ) {}

  async view(): Promise<Record<string, unknown>> {
    const active = this.holder.active();
    const [artifacts, tracking, charts] = await Promise.all([
      this.folderArtifacts(),
      this.trackingHistory(active?.artifact.metadata.version),
      reportCharts(active, active && this.loader.pathOf(active.source)),
    ]);
    const card = active ? cardOf(active) : undefined;
    const sets = active ? metricSets(active.artifact.metadata.metrics) : [];
    const follower = this.follower?.state();
    const reportHasRoc = charts.some((file) => /roc/i.test(file));
    // Each evaluation set already draws its confusion matrix from the model's own figures.
    const drawnPerSet = sets.length > 0 && sets.every((s) => s.confusion !== undefined);
    const reportFiles = charts.filter((file) => !(drawnPerSet && /^confusion/i.test(file)));
    return {
      title: 'Model',
      facts: this.pageFacts.facts(),
      card,
      operatingPoint: card && operatingPointWords(card.operating_point),
      cardJson: card ? JSON.stringify({ parameters: card.parameters, training: card.training }, null, 2) : undefined,
      sets: sets.map((s, index) => {
        const table = metricTable(s);
        return {
          name: s.name,
          index,
          rows: table.rows,
          aucNote: table.aucNote,
          confusion: s.confusion && confusionInWords(s.confusion),
          hasRoc: table.showRoc,
          rocElsewhere: !table.showRoc && !table.aucNote && reportHasRoc,
        };
      }),
      tracking: tracking && {
        ...tracking,
        runs: tracking.runs.map((run) => ({ ...run, statusText: inWords(run.status) })),
        versions: tracking.versions.map((v) => ({ ...v, decisionText: v.decision && inWords(v.decision) })),
        store: { kind: tracking.store.kind },
        error: tracking.error === undefined ? undefined : withoutInternals(tracking.error),
      },
      registryStatus: active ? registryStatus(tracking, follower) : undefined,
      follower: follower && {
        ...follower,
        store: this.tracking?.kind ?? follower.store.split(' ', 1)[0],
        lastError: follower.lastError === undefined ? undefined : withoutInternals(follower.lastError),
      },
      artifacts,
      reportCharts: reportFiles.map((file) => ({ file, title: chartTitle(file) })),
    };
  }

  /** A chart of the training report beside the serving model's artifact (404 when there is none of that name). */
  async reportChart(file: string): Promise<string> {
    const active = this.holder.active();
    const svg = await reportChart(active, active && this.loader.pathOf(active.source), file);
    if (svg === undefined) throw new NotFoundException(`no chart ${file} in the active model's training report`);
    return svg;
  }

  /** A chart of one of the serving model's metric sets, by its index on the page (404 when there is none). */
  metricChart(set: string, chart: string): string {
    const active = this.holder.active();
    const sets = active ? metricSets(active.artifact.metadata.metrics) : [];
    const found = /^\d+$/.test(set) ? sets[Number.parseInt(set, 10)] : undefined;
    if (!found) throw new NotFoundException(`no evaluation set ${set} in the active model's metrics`);
    const svg = metricSetChart(found, chart);
    if (svg === undefined) throw new NotFoundException(`no chart ${chart} for evaluation set ${found.name}`);
    return svg;
  }

  /** Model artifacts in MODEL_DIR, newest first: what a restart could load without the tracking store. */
  private async folderArtifacts(): Promise<Array<Record<string, unknown>>> {
    const active = this.holder.active();
    return (await this.loader.listArtifacts()).map((entry) => {
      const sets = metricSets(entry.artifact?.metadata.metrics);
      return {
        file: entry.file,
        version: entry.artifact?.metadata.version,
        algorithm: entry.artifact?.metadata.algorithm,
        createdAt: entry.artifact?.metadata.createdAt,
        f1: perSet(sets, 'f1'),
        accuracy: perSet(sets, 'accuracy'),
        active: active !== undefined && entry.file === active.source,
        error: entry.error,
      };
    });
  }

  private async trackingHistory(servingVersion: string | undefined): Promise<TrackingHistory | undefined> {
    if (!this.tracking) return undefined;
    return readTrackingHistory(this.tracking, {
      experimentName: this.mlflow?.experimentName ?? DEFAULT_RUN_LOGGER_OPTIONS.experimentName,
      modelName: this.mlflow?.modelName ?? DEFAULT_RUN_LOGGER_OPTIONS.modelName,
      servingVersion,
    });
  }
}

/** One metric on each evaluation set, named: `[{set: 'email', text: '0.9776'}, {set: 'sms', …}]`. */
function perSet(sets: MetricSet[], metric: string): Array<{ set: string; text: string }> {
  return sets.flatMap((s) => {
    const value = s.values.find((v) => v.name === metric)?.value;
    return value === undefined ? [] : [{ set: s.name, text: formatMetric(metric, value) }];
  });
}

/** The confusion counts in the words the page uses elsewhere (spam / not spam). */
function confusionInWords(c: { tp: number; fp: number; tn: number; fn: number }): Record<string, number> {
  return {
    spamCaught: c.tp,
    spamMissed: c.fn,
    notSpamKept: c.tn,
    notSpamFlagged: c.fp,
    spam: c.tp + c.fn,
    notSpam: c.tn + c.fp,
  };
}

const CHART_TITLES: Readonly<Record<string, string>> = {
  roc_curve: 'ROC curve',
  precision_recall_curve: 'Precision–recall curve',
};

/** `roc_curve.svg` → `ROC curve`, `confusion_matrix_sms.svg` → `Confusion matrix sms`. */
function chartTitle(file: string): string {
  const base = file.replace(/\.svg$/, '');
  if (CHART_TITLES[base]) return CHART_TITLES[base];
  const words = base.replace(/_/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** A registry word as a person writes it: `rolled_back` → `rolled back`, `FINISHED` → `finished`. */
function inWords(value: string): string {
  return value.replace(/_/g, ' ').toLowerCase();
}
