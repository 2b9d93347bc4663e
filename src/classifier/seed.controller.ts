import { Controller, Get, Header, HttpCode, Post, Req, UseGuards } from '@nestjs/common';
import { RouteSchema } from '@nestjs/platform-fastify';
import { ApiBody, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { ApiThrottlerGuard } from '../http/client-throttler.guard';
import { ApiErrorResponse, ERROR_EXAMPLES } from '../http/error-response';
import {
  SeedPredictRequestDto,
  seedPredictRequestSchema,
  SeedPredictResponseDto,
  seedPredictResponseSchema,
} from './dto/prediction.dto';
import { ModelCardDto } from './dto/model.dto';
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
  @ApiErrorResponse(400, 'Invalid body; `details` names each field.', 'text must be a string', [
    { field: 'text', message: 'must be a string' },
  ])
  @ApiErrorResponse(
    429,
    'Only when API_RATE_LIMIT is set (off by default); Retry-After says when to retry.',
    ERROR_EXAMPLES.apiTooManyRequests,
  )
  @ApiErrorResponse(503, 'No model loaded yet.', ERROR_EXAMPLES.noModel)
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
  @ApiOkResponse({ type: ModelCardDto })
  @ApiErrorResponse(503, 'No model loaded yet.', ERROR_EXAMPLES.noModel)
  info(): ModelCard {
    return this.cards.card();
  }
}
