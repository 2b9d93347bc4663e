import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsOptional } from 'class-validator';
import type { TrainingRunRecord } from '../../feedback/feedback.types';
import { PageDto, PageQueryDto } from '../../http/page.dto';
import { snakeCaseKeys } from '../../http/snake-case';

export class StartTrainingRunDto {
  @ApiPropertyOptional({
    default: false,
    example: true,
    description: 'Train even when fewer than RETRAIN_MIN_NEW_FEEDBACK new labels arrived.',
  })
  @IsOptional()
  @IsBoolean()
  force?: boolean;
}

/** 202: a run was queued; follow it at `GET /api/v1/training/runs/{id}`. */
export class TrainingRunAcceptedDto {
  @ApiProperty({ example: '20261127T140512Z-3f9a1c' })
  id: string;

  @ApiProperty({ enum: ['queued'], example: 'queued' })
  state: 'queued';
}

/**
 * 200: nothing was started, so there is no run to follow (no id): too few new labels since the last run. The
 * answer says how many there are, how many are needed, and how to train anyway.
 */
export class TrainingRunSkippedDto {
  @ApiProperty({ enum: ['skipped'], example: 'skipped' })
  state: 'skipped';

  @ApiProperty({
    example:
      '3 new labels since the last run, 50 needed (RETRAIN_MIN_NEW_FEEDBACK); send {"force": true} to train anyway',
  })
  reason: string;

  @ApiProperty({ example: 3 })
  new_labels: number;

  @ApiProperty({ example: 50 })
  needed: number;
}

export class TrainingRunDto {
  @ApiProperty({ example: '20261127T140512Z-3f9a1c' })
  id: string;

  @ApiProperty({ enum: ['queued', 'running', 'succeeded', 'failed'], example: 'running' })
  state: TrainingRunRecord['state'];

  @ApiProperty({ example: 0.42, description: 'From 0 to 1.' })
  progress: number;

  @ApiProperty({ nullable: true, type: String, example: 'training' })
  stage: string | null;

  @ApiProperty({ enum: ['api', 'cron'], example: 'api' })
  trigger: 'api' | 'cron';

  @ApiProperty({ example: true })
  forced: boolean;

  @ApiProperty({ enum: ['worker', 'job'], example: 'worker' })
  mode: 'worker' | 'job';

  @ApiProperty({ example: '2026-11-27T14:05:12.000Z' })
  requested_at: string;

  @ApiProperty({ nullable: true, type: String, example: '2026-11-27T14:05:12.040Z' })
  started_at: string | null;

  @ApiProperty({ nullable: true, type: String, example: null })
  finished_at: string | null;

  @ApiProperty({ nullable: true, type: Number, example: 120, description: 'Feedback rows the run read.' })
  feedback_rows: number | null;

  @ApiProperty({
    nullable: true,
    type: Object,
    example: {
      promoted: true,
      decision: 'champion',
      registered_version: '4',
      reason: 'v4 beats the champion on sms: F1 0.93 vs 0.91 …',
    },
    description:
      'Set when succeeded: the tracking run, the registered version, the gate decision and its reason, the figures.',
  })
  result: Record<string, unknown> | null;

  @ApiProperty({ nullable: true, type: String, example: null, description: 'Why the run failed.' })
  reason: string | null;
}

export function toTrainingRunSkippedDto(newLabels: number, needed: number): TrainingRunSkippedDto {
  return {
    state: 'skipped',
    reason: `${newLabels} new labels since the last run, ${needed} needed (RETRAIN_MIN_NEW_FEEDBACK); send {"force": true} to train anyway`,
    new_labels: newLabels,
    needed,
  };
}

export class ListTrainingRunsQueryDto extends PageQueryDto {}

export class TrainingRunPageDto extends PageDto {
  @ApiProperty({ type: [TrainingRunDto], description: 'Newest first.' })
  items: TrainingRunDto[];
}

export function toTrainingRunDto(run: TrainingRunRecord): TrainingRunDto {
  return {
    id: run.id,
    state: run.state,
    progress: run.progress,
    stage: run.stage,
    trigger: run.trigger,
    forced: run.forced,
    mode: run.mode,
    requested_at: run.requestedAt.toISOString(),
    started_at: run.startedAt?.toISOString() ?? null,
    finished_at: run.finishedAt?.toISOString() ?? null,
    feedback_rows: run.feedbackRows,
    result: run.result === null ? null : (snakeCaseKeys(run.result) as Record<string, unknown>),
    reason: run.reason,
  };
}
