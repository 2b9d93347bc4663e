import { Inject, Injectable, NotFoundException, Optional } from '@nestjs/common';
import { ChampionFollower } from '../classifier/champion-follower';
import { cardOf } from '../classifier/model-card.service';
import { ModelHolder } from '../classifier/model-holder.service';
import { ModelLoader } from '../classifier/model-loader.service';
import { mlflowConfig, type MlflowConfig } from '../mlflow/config/mlflow.config';
import { DEFAULT_RUN_LOGGER_OPTIONS } from '../mlflow/run-logger';
import { TrackingStore } from '../mlflow/tracking-store';
import { metricSetChart, metricSets } from './model-metrics';
import { PageFacts } from './page-facts.service';
import { withoutInternals } from './public-text';
import { registryStatus } from './registry-status';
import { readTrackingHistory, type TrackingHistory } from './tracking-history';
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
    return {
      title: 'Model',
      facts: this.pageFacts.facts(),
      card,
      cardJson: card ? JSON.stringify({ parameters: card.parameters, training: card.training }, null, 2) : undefined,
      sets: sets.map((s, index) => ({
        ...s,
        index,
        hasConfusion: s.confusion !== undefined,
        hasRoc: (s.roc?.length ?? 0) > 0,
      })),
      tracking: tracking && {
        ...tracking,
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
      reportCharts: charts.map((file) => ({
        file,
        title: file.replace(/\.svg$/, '').replace(/_/g, ' '),
      })),
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
      const first = metricSets(entry.artifact?.metadata.metrics)[0]?.values ?? [];
      const pick = (name: string) => first.find((v) => v.name === name)?.value;
      return {
        file: entry.file,
        version: entry.artifact?.metadata.version,
        algorithm: entry.artifact?.metadata.algorithm,
        createdAt: entry.artifact?.metadata.createdAt,
        f1: pick('f1'),
        accuracy: pick('accuracy'),
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
