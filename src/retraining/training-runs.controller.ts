import { Body, Controller, Get, HttpCode, Param, Post, Query, Res, UseGuards, UsePipes } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBearerAuth,
  ApiBody,
  ApiExtraModels,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { AdminTokenGuard } from '../auth/admin-token.guard';
import { DTO_VALIDATION } from '../http/dto-validation.pipe';
import { ApiErrorResponse, ERROR_EXAMPLES } from '../http/error-response';
import {
  ListTrainingRunsQueryDto,
  StartTrainingRunDto,
  toTrainingRunDto,
  toTrainingRunSkippedDto,
  TrainingRunAcceptedDto,
  TrainingRunDto,
  TrainingRunPageDto,
  TrainingRunSkippedDto,
} from './dto/training-run.dto';
import { RetrainingService } from './retraining.service';

const EXAMPLE_RUN_ID = '20261127T140512Z-3f9a1c';

@ApiTags('training')
@ApiBearerAuth()
@Controller('api/v1/training/runs')
@UseGuards(AdminTokenGuard)
@UsePipes(DTO_VALIDATION)
@ApiExtraModels(TrainingRunSkippedDto)
@ApiErrorResponse(401, 'No bearer token.', ERROR_EXAMPLES.noToken)
@ApiErrorResponse(403, 'Wrong token, or admin routes disabled (no ADMIN_API_TOKEN).', ERROR_EXAMPLES.wrongToken)
export class TrainingRunsController {
  constructor(private readonly retraining: RetrainingService) {}

  /** A skipped request answers 200: nothing was accepted for later, so there is no run id to follow. */
  @Post()
  @HttpCode(202)
  @ApiOperation({
    summary: 'Start a retraining run (admin): base corpora + feedback, logged, promoted only through the quality gate.',
  })
  @ApiBody({ type: StartTrainingRunDto, required: false })
  @ApiAcceptedResponse({
    type: TrainingRunAcceptedDto,
    description: 'Queued: follow it at GET /api/v1/training/runs/{id}.',
  })
  @ApiOkResponse({
    type: TrainingRunSkippedDto,
    description:
      'Not started (no run, no id): fewer than RETRAIN_MIN_NEW_FEEDBACK new labels since the last run; `{"force": true}` trains anyway.',
  })
  @ApiErrorResponse(
    400,
    'Invalid body; `details` names each field and what would be valid.',
    'force must be true or false',
    [{ field: 'force', message: 'must be true or false' }],
  )
  @ApiErrorResponse(409, 'A run is going on; the message names its id.', `training run ${EXAMPLE_RUN_ID} is running`)
  @ApiErrorResponse(
    503,
    'This replica does not hold the training lease; the message names the leader. Nothing was started.',
    'this replica (spam-classifier-0) does not train: spam-classifier-1 holds the training lease; nothing was started, send the request again',
  )
  async start(
    @Body() body: StartTrainingRunDto = {},
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<TrainingRunAcceptedDto | TrainingRunSkippedDto> {
    const outcome = await this.retraining.requestRun({ force: body?.force === true, trigger: 'api' });
    if (outcome.started) return { id: outcome.run.id, state: 'queued' };
    reply.status(200);
    return toTrainingRunSkippedDto(outcome.newLabels, outcome.needed);
  }

  @Get(':id')
  @ApiOperation({ summary: 'A run: state, progress, and its result or the reason it failed (admin).' })
  @ApiParam({ name: 'id', example: EXAMPLE_RUN_ID })
  @ApiOkResponse({ type: TrainingRunDto })
  @ApiErrorResponse(404, 'No run has this id.', `training run ${EXAMPLE_RUN_ID} not found`)
  async get(@Param('id') id: string): Promise<TrainingRunDto> {
    return toTrainingRunDto(await this.retraining.getRun(id));
  }

  @Get()
  @ApiOperation({ summary: 'Runs, newest first, one page at a time (admin): `{items, total, limit, offset}`.' })
  @ApiOkResponse({ type: TrainingRunPageDto })
  @ApiErrorResponse(
    400,
    'Invalid query; `details` names each field and its range.',
    'limit must be an integer from 1 to 500',
    [{ field: 'limit', message: 'must be an integer from 1 to 500' }],
  )
  async list(@Query() query: ListTrainingRunsQueryDto): Promise<TrainingRunPageDto> {
    const page = await this.retraining.pageOfRuns(query.limit, query.offset);
    return { ...page, items: page.items.map(toTrainingRunDto) };
  }
}
