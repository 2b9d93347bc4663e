import { Body, Controller, HttpCode, Post, Req, Res } from '@nestjs/common';
import { RouteSchema } from '@nestjs/platform-fastify';
import { ApiBody, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { RateLimited } from '../http/route-rate-limit';
import { ApiErrorResponse, ERROR_EXAMPLES } from '../http/error-response';
import {
  BatchRequestDto,
  BatchResponseDto,
  batchRequestSchema,
  explainQuerySchema,
  predictionRequestSchema,
  PredictionRequestDto,
  predictionResponseSchema,
  PredictionResponseDto,
  type BatchRequest,
  type PredictionRequest,
} from './dto/prediction.dto';
import { requestedThreshold } from './operating-point';
import { PredictionService, type BatchResult } from './prediction.service';

const EXPLAIN_QUERY = {
  name: 'explain',
  required: false,
  enum: ['true', 'false'],
  description:
    'Add the words (and word phrases) that drove the decision, each with its weight in log-odds of spam (positive = towards spam).',
} as const;

/**
 * Bodies are validated by Fastify's JSON schema (compiled Ajv) on these routes instead of the class-validator pipe:
 * the same rules (a test keeps them in step with the DTOs the docs show), at a fraction of the cost per request.
 * They are rate-limited by `@RateLimited()` (the throttler's storage and budget, checked in a Fastify hook) rather
 * than by ApiThrottlerGuard, for the same reason.
 */
@ApiTags('predictions')
@Controller('api/v1/predictions')
@ApiErrorResponse(
  400,
  'Invalid body or query (a `threshold` that is not a number greater than 0 and at most 1 included); `details` names each field and what would be valid.',
  'channel must be one of sms, email, auto',
  [{ field: 'channel', message: 'must be one of sms, email, auto' }],
)
@ApiErrorResponse(413, 'Body larger than BODY_LIMIT_BYTES (default 1 MB).', ERROR_EXAMPLES.bodyTooLarge)
@ApiErrorResponse(
  429,
  'Only when API_RATE_LIMIT is set (off by default): that many requests per THROTTLE_TTL_MS per client; Retry-After says when to retry.',
  ERROR_EXAMPLES.apiTooManyRequests,
)
@ApiErrorResponse(503, 'No model loaded yet (the first start trains one).', ERROR_EXAMPLES.noModel)
export class PredictionsController {
  constructor(private readonly predictions: PredictionService) {}

  @Post()
  @RateLimited()
  @HttpCode(200)
  @RouteSchema({
    body: predictionRequestSchema,
    querystring: explainQuerySchema,
    response: { 200: predictionResponseSchema },
  })
  @ApiOperation({
    summary: 'Classify one message as spam or not spam.',
    description:
      "Spam when the spam probability is ≥ the threshold: the model's operating point, or the body's `threshold`. " +
      'The answer says which threshold decided (`threshold`, `threshold_source`). The text may be an SMS, an e-mail ' +
      'body or a raw e-mail with its headers (channel "email" or "auto").',
  })
  @ApiBody({ type: PredictionRequestDto })
  @ApiQuery(EXPLAIN_QUERY)
  @ApiOkResponse({ type: PredictionResponseDto })
  predict(
    @Req() req: FastifyRequest<{ Body: PredictionRequest; Querystring: { explain?: string } }>,
    @Res() reply: FastifyReply,
  ): void | Promise<void> {
    // The request instead of @Body/@Query: each Nest parameter decorator costs per request. The reply is sent here
    // (the response schema still serialises it) rather than by Nest's response chain, which looks for streams and
    // observables in the result and adds several promise hops per request; no interceptor runs on this route, and
    // an exception thrown by predict() still reaches the exception filter before anything is sent.
    const { text, channel } = req.body;
    const threshold = requestedThreshold(req.body.threshold);
    const result = this.predictions.predict(text, channel, req.id, wantsExplanation(req.query), threshold);
    if (result instanceof Promise)
      return result.then((r) => {
        void reply.send(r);
      });
    void reply.send(result);
  }

  @Post('batch')
  @RateLimited()
  @HttpCode(200)
  @RouteSchema({ body: batchRequestSchema, querystring: explainQuerySchema })
  @ApiOperation({
    summary: 'Classify up to MAX_BATCH_SIZE messages; results come in the order of the request.',
    description:
      "One threshold decides every message: the body's `threshold`, else the model's operating point; each result " +
      'says which (`threshold`, `threshold_source`).',
  })
  @ApiBody({ type: BatchRequestDto })
  @ApiQuery(EXPLAIN_QUERY)
  @ApiOkResponse({ type: BatchResponseDto })
  batch(
    @Body() body: BatchRequest,
    @Req() req: FastifyRequest<{ Querystring: { explain?: string } }>,
  ): BatchResult | Promise<BatchResult> {
    const threshold = requestedThreshold(body.threshold);
    return this.predictions.predictBatch(body.messages, req.id, wantsExplanation(req.query), threshold);
  }
}

function wantsExplanation(query: { explain?: string }): boolean {
  return query.explain === 'true' || query.explain === '1';
}
