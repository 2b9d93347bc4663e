import {
  Body,
  Controller,
  Get,
  HttpCode,
  Inject,
  NotFoundException,
  Param,
  Post,
  Req,
  Res,
  UseGuards,
  type OnModuleInit,
} from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { ApiExcludeController } from '@nestjs/swagger';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import type {} from '@fastify/view';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { classifierConfig, type ClassifierConfig } from '../classifier/config/classifier.config';
import { cardOf } from '../classifier/model-card.service';
import { ModelHolder } from '../classifier/model-holder.service';
import { ModelLoader } from '../classifier/model-loader.service';
import { PredictionService } from '../classifier/prediction.service';
import { ApiThrottlerGuard } from '../http/api-throttler.guard';
import { FieldValidationError } from '../http/error-response';
import { ChampionFollower } from '../classifier/champion-follower';
import { mlflowConfig, type MlflowConfig } from '../mlflow/config/mlflow.config';
import { DEFAULT_RUN_LOGGER_OPTIONS } from '../mlflow/run-logger';
import { TrackingStore } from '../mlflow/tracking-store';
import { FeedbackService } from '../feedback/feedback.service';
import { confusionMatrixSvg, rocCurveSvg } from './charts';
import { EXAMPLE_MESSAGES } from './examples';
import { highlightPreview } from './highlight';
import { optionalProvider } from './optional-provider';
import { PageFacts } from './page-facts.service';
import { readTrackingHistory, type TrackingHistory } from './tracking-history';
import { reportChart, reportCharts } from './training-report';
import { metricSets } from './model-metrics';
import { WebClassifyDto } from './web-classify.dto';

/** Characters of the submitted message shown back on the page. */
const PREVIEW_CHARS = 2000;

/** The server-rendered page: works without JavaScript, all user text escaped by Handlebars. */
@ApiExcludeController()
@Controller()
export class WebController implements OnModuleInit {
  /** The platform's feedback, tracking store and champion follower, when the app has them. */
  private platform: {
    feedback?: FeedbackService;
    tracking?: TrackingStore;
    mlflow?: MlflowConfig;
    follower?: ChampionFollower;
  } = {};

  constructor(
    private readonly predictions: PredictionService,
    private readonly holder: ModelHolder,
    private readonly loader: ModelLoader,
    private readonly pageFacts: PageFacts,
    private readonly moduleRef: ModuleRef,
    @Inject(classifierConfig.KEY) private readonly classifier: ClassifierConfig,
  ) {}

  onModuleInit(): void {
    this.platform = {
      feedback: optionalProvider(this.moduleRef, FeedbackService),
      tracking: optionalProvider(this.moduleRef, TrackingStore),
      mlflow: optionalProvider<MlflowConfig>(this.moduleRef, mlflowConfig.KEY),
      follower: optionalProvider(this.moduleRef, ChampionFollower),
    };
  }

  @Get()
  home(@Res() reply: FastifyReply): unknown {
    return reply.view('index.hbs', this.page({ text: '', channel: 'auto' }));
  }

  @Post()
  @HttpCode(200)
  @UseGuards(ApiThrottlerGuard)
  async classify(@Body() body: unknown, @Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<unknown> {
    const dto = plainToInstance(WebClassifyDto, isRecord(body) ? body : {});
    const example = EXAMPLE_MESSAGES.find((e) => e.id === dto.example);
    if (example) {
      dto.text = example.text;
      dto.channel = example.channel;
    }
    const errors = validateSync(dto, { whitelist: true });
    if (errors.length > 0) {
      const messages = errors.flatMap((e) => Object.values(e.constraints ?? {}));
      return reply
        .status(400)
        .view(
          'index.hbs',
          this.page({ text: String(dto.text ?? ''), channel: dto.channel ?? 'auto', errors: messages }),
        );
    }
    if (!this.holder.active()) {
      return reply.status(503).view(
        'index.hbs',
        this.page({
          text: dto.text,
          channel: dto.channel ?? 'auto',
          errors: ['No model is loaded yet; try again in a moment.'],
        }),
      );
    }
    try {
      const { result, classification } = await this.predictions.classifyForPage(dto.text, dto.channel, req.id);
      const preview = dto.text.slice(0, PREVIEW_CHARS);
      return reply.view(
        'index.hbs',
        this.page({
          text: dto.text,
          channel: dto.channel ?? 'auto',
          result: {
            ...result,
            spam: result.prediction === 'spam',
            verdict: result.prediction === 'spam' ? 'Spam' : 'Not spam',
            confidencePercent: Math.round(result.confidence * 1000) / 10,
            spamPercent: Math.round(result.spam_probability * 1000) / 10,
            preview: highlightPreview(preview, classification.explanation),
            truncated: dto.text.length > PREVIEW_CHARS,
            towardsSpam: classification.explanation?.towardsSpam.slice(0, 8) ?? [],
            towardsHam: classification.explanation?.towardsHam.slice(0, 8) ?? [],
            feedback: this.platform.feedback ? { text: dto.text } : undefined,
          },
        }),
      );
    } catch (error) {
      if (error instanceof FieldValidationError) {
        return reply
          .status(400)
          .view(
            'index.hbs',
            this.page({ text: dto.text.slice(0, 10_000), channel: dto.channel ?? 'auto', errors: [error.message] }),
          );
      }
      throw error;
    }
  }

  @Get('model')
  async model(@Res() reply: FastifyReply): Promise<void> {
    const active = this.holder.active();
    const [artifacts, tracking, charts] = await Promise.all([
      this.folderArtifacts(),
      this.trackingHistory(active?.artifact.metadata.version),
      reportCharts(active),
    ]);
    const card = active ? cardOf(active) : undefined;
    const sets = active ? metricSets(active.artifact.metadata.metrics) : [];
    const follower = this.platform.follower?.state();
    await reply.view('model.hbs', {
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
      tracking,
      follower: follower?.enabled ? follower : undefined,
      artifacts,
      reportCharts: charts.map((file) => ({
        file,
        title: file.replace(/\.svg$/, '').replace(/_/g, ' '),
      })),
    });
  }

  @Get('model/report/:file')
  async reportFile(@Param('file') file: string, @Res() reply: FastifyReply): Promise<void> {
    const svg = await reportChart(this.holder.active(), file);
    if (svg === undefined) throw new NotFoundException(`no chart ${file} in the active model's training report`);
    await reply.header('content-type', 'image/svg+xml; charset=utf-8').header('cache-control', 'no-store').send(svg);
  }

  @Get('model/charts/:set/:chart')
  chart(@Param('set') set: string, @Param('chart') chart: string, @Res() reply: FastifyReply): FastifyReply {
    const active = this.holder.active();
    const sets = active ? metricSets(active.artifact.metadata.metrics) : [];
    const found = sets[Number.parseInt(set, 10)];
    if (!found || !/^\d+$/.test(set))
      throw new NotFoundException(`no evaluation set ${set} in the active model's metrics`);
    let svg: string | undefined;
    if (chart === 'confusion-matrix.svg' && found.confusion)
      svg = confusionMatrixSvg(found.confusion, `Confusion matrix (${found.name})`);
    if (chart === 'roc.svg' && found.roc && found.roc.length > 0)
      svg = rocCurveSvg(found.roc, found.rocAuc, `ROC curve (${found.name})`);
    if (svg === undefined) throw new NotFoundException(`no chart ${chart} for evaluation set ${found.name}`);
    return reply.header('content-type', 'image/svg+xml; charset=utf-8').header('cache-control', 'no-store').send(svg);
  }

  private page(form: { text: string; channel: string; errors?: string[]; result?: unknown }): Record<string, unknown> {
    return {
      title: 'Classify a message',
      facts: this.pageFacts.facts(),
      examples: EXAMPLE_MESSAGES,
      maxTextChars: this.classifier.maxTextChars,
      form: {
        ...form,
        sms: form.channel === 'sms',
        email: form.channel === 'email',
        auto: !['sms', 'email'].includes(form.channel),
      },
      result: form.result,
      errors: form.errors,
    };
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
        active: active !== undefined && entry.path === active.source,
        error: entry.error,
      };
    });
  }

  private async trackingHistory(servingVersion: string | undefined): Promise<TrackingHistory | undefined> {
    const { tracking, mlflow } = this.platform;
    if (!tracking) return undefined;
    return readTrackingHistory(tracking, {
      experimentName: mlflow?.experimentName ?? DEFAULT_RUN_LOGGER_OPTIONS.experimentName,
      modelName: mlflow?.modelName ?? DEFAULT_RUN_LOGGER_OPTIONS.modelName,
      servingVersion,
    });
  }
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}
