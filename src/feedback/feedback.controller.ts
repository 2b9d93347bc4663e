import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query, Res, UseGuards, UsePipes } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
  ApiUnsupportedMediaTypeResponse,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { AdminTokenGuard } from '../auth/admin-token.guard';
import { PageThrottlerGuard } from '../http/client-throttler.guard';
import { DTO_VALIDATION } from '../http/dto-validation.pipe';
import { ErrorResponseDto } from '../http/error-response';
import { JsonOnlyGuard } from '../http/json-only.guard';
import { CreateFeedbackDto, FeedbackPageDto, FeedbackReceiptDto, ListFeedbackQueryDto } from './dto/feedback.dto';
import { FeedbackApiAuthGuard } from './feedback-api-auth.guard';
import { FeedbackService } from './feedback.service';

@ApiTags('feedback')
@Controller('api/v1/feedback')
@UsePipes(DTO_VALIDATION)
@ApiBadRequestResponse({
  type: ErrorResponseDto,
  description: 'Invalid body or query; `details` names each field and limit.',
})
@ApiServiceUnavailableResponse({
  type: ErrorResponseDto,
  description:
    'The feedback store cannot be reached (PostgreSQL down, or the SQLite file busy past its timeout); retry.',
})
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
  @ApiTooManyRequestsResponse({ type: ErrorResponseDto })
  @ApiUnsupportedMediaTypeResponse({
    type: ErrorResponseDto,
    description: 'The body is not `application/json` (a form post cannot label).',
  })
  @ApiUnauthorizedResponse({ type: ErrorResponseDto, description: 'FEEDBACK_API_AUTH=admin-token and no token.' })
  @ApiForbiddenResponse({ type: ErrorResponseDto, description: 'FEEDBACK_API_AUTH=admin-token and a wrong token.' })
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
  @ApiUnauthorizedResponse({ type: ErrorResponseDto })
  @ApiForbiddenResponse({ type: ErrorResponseDto })
  list(@Query() query: ListFeedbackQueryDto): Promise<FeedbackPageDto> {
    return this.feedback.list(query);
  }

  @Delete(':id')
  @HttpCode(204)
  @UseGuards(AdminTokenGuard)
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Delete one feedback item (unlearn: the next training run no longer uses it) (admin).' })
  @ApiNoContentResponse({ description: 'Deleted.' })
  @ApiNotFoundResponse({ type: ErrorResponseDto, description: 'No feedback has this id.' })
  @ApiUnauthorizedResponse({ type: ErrorResponseDto })
  @ApiForbiddenResponse({ type: ErrorResponseDto })
  remove(@Param('id') id: string): Promise<void> {
    return this.feedback.remove(id);
  }
}
