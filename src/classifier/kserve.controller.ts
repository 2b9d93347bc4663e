import { Body, Controller, Get, HttpCode, HttpException, HttpStatus, Post, Req, UseGuards } from '@nestjs/common';
import { RouteSchema } from '@nestjs/platform-fastify';
import { ApiBody, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { ApiThrottlerGuard } from '../http/client-throttler.guard';
import { ApiErrorResponse, ERROR_EXAMPLES } from '../http/error-response';
import { HealthService } from '../health/health.service';
import {
  InferRequestDto,
  inferRequestSchema,
  InferResponseDto,
  ModelMetadataDto,
  ModelReadyDto,
  ServerLiveDto,
  ServerMetadataDto,
  ServerReadyDto,
} from './dto/kserve.dto';
import { inferMessages, inferResponse, inferThreshold, KSERVE_MODEL_NAME, type InferRequest } from './kserve.mapper';
import { ModelHolder } from './model-holder.service';
import { PredictionService } from './prediction.service';

/** KServe Open Inference Protocol (v2) routes, so the service can sit behind inference gateways. */
@ApiTags('kserve v2')
@Controller('v2')
@ApiErrorResponse(503, 'No model loaded yet, or the server is not ready.', ERROR_EXAMPLES.noModel)
export class KServeController {
  constructor(
    private readonly health: HealthService,
    private readonly holder: ModelHolder,
    private readonly predictions: PredictionService,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Server metadata.' })
  @ApiOkResponse({ type: ServerMetadataDto })
  server(): ServerMetadataDto {
    return { name: 'spam-classifier', version: '2', extensions: [] };
  }

  @Get('health/live')
  @ApiOperation({ summary: 'Server liveness.' })
  @ApiOkResponse({ type: ServerLiveDto })
  live(): ServerLiveDto {
    return { live: true };
  }

  @Get('health/ready')
  @ApiOperation({ summary: 'Server readiness (503 when not ready).' })
  @ApiOkResponse({ type: ServerReadyDto })
  ready(): ServerReadyDto {
    if (!this.health.isReady())
      throw new HttpException(
        { message: 'server is not ready', details: { ready: false } },
        HttpStatus.SERVICE_UNAVAILABLE,
      );
    return { ready: true };
  }

  @Get(`models/${KSERVE_MODEL_NAME}`)
  @ApiOperation({ summary: 'Model metadata: versions, input and output tensors.' })
  @ApiOkResponse({ type: ModelMetadataDto })
  metadata(): ModelMetadataDto {
    const active = this.predictions.requireModel();
    return {
      name: KSERVE_MODEL_NAME,
      versions: [active.artifact.metadata.version],
      platform: `nodejs-${active.artifact.metadata.algorithm}`,
      inputs: [{ name: 'text', datatype: 'BYTES', shape: [-1] }],
      outputs: [
        { name: 'label', datatype: 'BYTES', shape: [-1] },
        { name: 'spam_probability', datatype: 'FP64', shape: [-1] },
        { name: 'threshold', datatype: 'FP64', shape: [-1] },
      ],
    };
  }

  @Get(`models/${KSERVE_MODEL_NAME}/ready`)
  @ApiOperation({ summary: 'Model readiness (503 when no model is loaded).' })
  @ApiOkResponse({ type: ModelReadyDto })
  modelReady(): ModelReadyDto {
    if (!this.holder.active())
      throw new HttpException(
        { message: 'model is not loaded yet', details: { name: KSERVE_MODEL_NAME, ready: false } },
        HttpStatus.SERVICE_UNAVAILABLE,
      );
    return { name: KSERVE_MODEL_NAME, ready: true };
  }

  @Post(`models/${KSERVE_MODEL_NAME}/infer`)
  @HttpCode(200)
  @UseGuards(ApiThrottlerGuard)
  @RouteSchema({ body: inferRequestSchema })
  @ApiOperation({
    summary: 'Inference: a BYTES tensor "text" of messages → "label" (BYTES) and "spam_probability" (FP64).',
    description:
      "Request `parameters.threshold` (0 < t ≤ 1) decides instead of the model's operating point, for every message. " +
      'The response `parameters` say which threshold decided (`threshold`, `threshold_source`: model or request); ' +
      'the output "threshold" (FP64, one per message) is sent when requested by name.',
  })
  @ApiBody({ type: InferRequestDto })
  @ApiOkResponse({ type: InferResponseDto })
  @ApiErrorResponse(
    400,
    'Invalid body; `details` names each field and what would be valid.',
    'inputs.0.datatype must be "BYTES"',
    [{ field: 'inputs.0.datatype', message: 'must be "BYTES"' }],
  )
  @ApiErrorResponse(
    429,
    'Only when API_RATE_LIMIT is set (off by default); Retry-After says when to retry.',
    ERROR_EXAMPLES.apiTooManyRequests,
  )
  async infer(@Body() body: InferRequest, @Req() req: FastifyRequest): Promise<InferResponseDto> {
    const threshold = inferThreshold(body);
    const messages = inferMessages(body);
    return inferResponse(body, await this.predictions.predictBatch(messages, req.id, false, threshold), req.id);
  }
}
