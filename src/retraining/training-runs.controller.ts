import { Body, Controller, Get, HttpCode, Param, Post, UseGuards, UsePipes } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBearerAuth,
  ApiBody,
  ApiConflictResponse,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { AdminTokenGuard } from '../auth/admin-token.guard';
import { DTO_VALIDATION } from '../http/dto-validation.pipe';
import { ErrorResponseDto } from '../http/error-response';
import { StartTrainingRunDto, toTrainingRunDto, TrainingRunAcceptedDto, TrainingRunDto } from './dto/training-run.dto';
import { RetrainingService } from './retraining.service';

@ApiTags('training')
@ApiBearerAuth()
@Controller('api/v1/training/runs')
@UseGuards(AdminTokenGuard)
@UsePipes(DTO_VALIDATION)
@ApiUnauthorizedResponse({ type: ErrorResponseDto })
@ApiForbiddenResponse({ type: ErrorResponseDto })
export class TrainingRunsController {
  constructor(private readonly retraining: RetrainingService) {}

  @Post()
  @HttpCode(202)
  @ApiOperation({
    summary: 'Start a retraining run (admin): base corpora + feedback, logged, promoted only through the quality gate.',
  })
  @ApiBody({ type: StartTrainingRunDto, required: false })
  @ApiAcceptedResponse({
    type: TrainingRunAcceptedDto,
    description: 'Queued (with its id), or skipped with "skipped: N new labels, M needed".',
  })
  @ApiConflictResponse({ type: ErrorResponseDto, description: 'A run is going on; the message names its id.' })
  @ApiServiceUnavailableResponse({
    type: ErrorResponseDto,
    description: 'This replica does not hold the training lease; the message names the leader. Nothing was started.',
  })
  async start(@Body() body: StartTrainingRunDto = {}): Promise<TrainingRunAcceptedDto> {
    const outcome = await this.retraining.requestRun({ force: body?.force === true, trigger: 'api' });
    return outcome.started
      ? { id: outcome.run.id, state: 'queued' }
      : { state: 'skipped', skipped: outcome.reason, new_labels: outcome.newLabels, needed: outcome.needed };
  }

  @Get(':id')
  @ApiOperation({ summary: 'A run: state, progress, and its result or the reason it failed (admin).' })
  @ApiOkResponse({ type: TrainingRunDto })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  async get(@Param('id') id: string): Promise<TrainingRunDto> {
    return toTrainingRunDto(await this.retraining.getRun(id));
  }

  @Get()
  @ApiOperation({ summary: 'The latest 50 runs, newest first (admin).' })
  @ApiOkResponse({ type: [TrainingRunDto] })
  async list(): Promise<TrainingRunDto[]> {
    return (await this.retraining.listRuns(50)).map(toTrainingRunDto);
  }
}
