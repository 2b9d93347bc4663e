import { Controller, Get, Header, HttpCode, Post, Req, UseGuards } from '@nestjs/common';
import { RouteSchema } from '@nestjs/platform-fastify';
import {
  ApiBadRequestResponse,
  ApiBody,
  ApiOkResponse,
  ApiOperation,
  ApiServiceUnavailableResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { ApiThrottlerGuard } from '../http/client-throttler.guard';
import { ErrorResponseDto } from '../http/error-response';
import {
  SeedPredictRequestDto,
  seedPredictRequestSchema,
  SeedPredictResponseDto,
  seedPredictResponseSchema,
} from './dto/prediction.dto';
import { ModelCardService, type ModelCard } from './model-card.service';
import { ModelHolder } from './model-holder.service';
import { PredictionService } from './prediction.service';

/** The seed system's routes, unchanged in shape, so its clients keep working. */
@ApiTags('seed compatibility')
@Controller()
export class SeedController {
  constructor(
    private readonly predictions: PredictionService,
    private readonly cards: ModelCardService,
    private readonly holder: ModelHolder,
  ) {}

  @Post('predict')
  @HttpCode(200)
  @UseGuards(ApiThrottlerGuard)
  @RouteSchema({ body: seedPredictRequestSchema, response: { 200: seedPredictResponseSchema } })
  @ApiOperation({ summary: "The seed's prediction route: labels are spam/ham." })
  @ApiBody({ type: SeedPredictRequestDto })
  @ApiOkResponse({ type: SeedPredictResponseDto })
  @ApiBadRequestResponse({ type: ErrorResponseDto })
  @ApiServiceUnavailableResponse({ type: ErrorResponseDto })
  async predict(@Req() req: FastifyRequest<{ Body: { text: string } }>): Promise<SeedPredictResponseDto> {
    const r = await this.predictions.predict(req.body.text, undefined, req.id);
    return {
      prediction: r.prediction === 'spam' ? 'spam' : 'ham',
      confidence: r.confidence,
      request_id: r.request_id,
      model_version: r.model.version,
    };
  }

  @Get('health')
  @Header('cache-control', 'no-store')
  @ApiOperation({ summary: "The seed's health route: the process answers and whether a model is loaded." })
  @ApiOkResponse({
    schema: { example: { status: 'healthy', model_loaded: true, model_version: '20261127T140512Z-3f9a1c2b' } },
  })
  health(): { status: string; model_loaded: boolean; model_version: string | null } {
    const active = this.holder.active();
    return {
      status: 'healthy',
      model_loaded: active !== undefined,
      model_version: active?.artifact.metadata.version ?? null,
    };
  }

  @Get('info')
  @ApiOperation({ summary: "The seed's model information route: the active model's card." })
  @ApiServiceUnavailableResponse({ type: ErrorResponseDto })
  info(): ModelCard {
    return this.cards.card();
  }
}
