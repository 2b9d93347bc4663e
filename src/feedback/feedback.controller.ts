import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query, Res, UseGuards, UsePipes } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { AdminTokenGuard } from '../auth/admin-token.guard';
import { PageThrottlerGuard } from '../http/client-throttler.guard';
import { DTO_VALIDATION } from '../http/dto-validation.pipe';
import { ApiErrorResponse, ERROR_EXAMPLES } from '../http/error-response';
import { JsonOnlyGuard } from '../http/json-only.guard';
import { CreateFeedbackDto, FeedbackPageDto, FeedbackReceiptDto, ListFeedbackQueryDto } from './dto/feedback.dto';
import { FeedbackApiAuthGuard } from './feedback-api-auth.guard';
import { FeedbackService } from './feedback.service';

@ApiTags('feedback')
@Controller('api/v1/feedback')
@UsePipes(DTO_VALIDATION)
@ApiErrorResponse(
  400,
  'Invalid body, query or id; `details` names each field and what would be valid.',
  'label must be one of spam, not_spam',
  [{ field: 'label', message: 'must be one of spam, not_spam' }],
)
@ApiErrorResponse(
  503,
  'The feedback store cannot be reached (PostgreSQL down, or the SQLite file busy past its timeout); retry.',
  'the feedback store is unavailable right now; try again shortly',
)
export class FeedbackController {
  constructor(private readonly feedback: FeedbackService) {}

  @Post()
  @UseGuards(PageThrottlerGuard, JsonOnlyGuard, FeedbackApiAuthGuard)
  @ApiOperation({
    summary: 'Say whether a message is spam (relearn: a new label for a known text replaces the old one).',
    description:
      'JSON only. Open to anyone by default; with FEEDBACK_API_AUTH=admin-token it needs ' +
      '`Authorization: Bearer $ADMIN_API_TOKEN` (401 without, 403 with a wrong one).',
  })
  @ApiCreatedResponse({ type: FeedbackReceiptDto, description: 'A new text was stored (outcome "created").' })
  @ApiOkResponse({ type: FeedbackReceiptDto, description: 'The text was known: outcome "relabelled" or "unchanged".' })
  @ApiErrorResponse(429, 'THROTTLE_LIMIT per client; Retry-After says when to retry.', ERROR_EXAMPLES.tooManyRequests)
  @ApiErrorResponse(
    415,
    'The body is not `application/json` (a form post cannot label).',
    'unsupported Content-Type; send application/json',
    { accepted: ['application/json'] },
  )
  @ApiErrorResponse(401, 'FEEDBACK_API_AUTH=admin-token and no token.', ERROR_EXAMPLES.noToken)
  @ApiErrorResponse(403, 'FEEDBACK_API_AUTH=admin-token and a wrong token.', ERROR_EXAMPLES.wrongToken)
  async submit(
    @Body() body: CreateFeedbackDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<FeedbackReceiptDto> {
    const receipt = await this.feedback.submit(body);
    reply.status(receipt.outcome === 'created' ? 201 : 200);
    return receipt;
  }

  @Get()
  @UseGuards(AdminTokenGuard)
  @ApiBearerAuth()
  @ApiOperation({ summary: 'List feedback, newest label first (admin).' })
  @ApiOkResponse({ type: FeedbackPageDto })
  @ApiErrorResponse(401, 'No bearer token.', ERROR_EXAMPLES.noToken)
  @ApiErrorResponse(403, 'Wrong token, or admin routes disabled (no ADMIN_API_TOKEN).', ERROR_EXAMPLES.wrongToken)
  list(@Query() query: ListFeedbackQueryDto): Promise<FeedbackPageDto> {
    return this.feedback.list(query);
  }

  @Delete(':id')
  @HttpCode(204)
  @UseGuards(AdminTokenGuard)
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Delete one feedback item (unlearn: the next training run no longer uses it) (admin).' })
  @ApiParam({ name: 'id', format: 'uuid', example: '0b8e8f8a-52d5-4c4b-9b55-7f3c3f0d9c11' })
  @ApiNoContentResponse({ description: 'Deleted.' })
  @ApiErrorResponse(404, 'No feedback has this id.', 'feedback 0b8e8f8a-52d5-4c4b-9b55-7f3c3f0d9c11 not found')
  @ApiErrorResponse(401, 'No bearer token.', ERROR_EXAMPLES.noToken)
  @ApiErrorResponse(403, 'Wrong token, or admin routes disabled (no ADMIN_API_TOKEN).', ERROR_EXAMPLES.wrongToken)
  remove(@Param('id') id: string): Promise<void> {
    return this.feedback.remove(id);
  }
}
