import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsISO8601, IsNotEmpty, IsOptional, IsString, Matches, MaxLength, ValidateBy } from 'class-validator';
import { CHANNEL_CHOICES, type ChannelChoice } from '../../engine';
import { PageDto, PageQueryDto } from '../../http/page.dto';
import { FEEDBACK_LABELS, type FeedbackLabel, type FeedbackOutcome } from '../feedback.types';

/** The channels a label may name: those a prediction may be asked for. */
export const FEEDBACK_CHANNELS = CHANNEL_CHOICES;

/** PostgreSQL text cannot hold U+0000, so no store is given one: a 400 names the field instead. */
function HasNoNul(): PropertyDecorator {
  return ValidateBy({
    name: 'hasNoNul',
    validator: {
      validate: (value: unknown) => typeof value !== 'string' || !value.includes('\u0000'),
      defaultMessage: (args) => `${args?.property ?? 'value'} must not contain NUL characters (\\u0000)`,
    },
  });
}

export class CreateFeedbackDto {
  @ApiProperty({
    example: 'WINNER!! You have been selected for a £1000 prize. Call 09061701461 now',
    description:
      'The message as classified. Its normalised form (NFKC, white space collapsed) identifies it: a second label for the same text replaces the first.',
  })
  @IsString()
  @IsNotEmpty()
  @HasNoNul()
  text: string;

  @ApiProperty({ enum: FEEDBACK_LABELS, example: 'spam', description: 'What the message really is.' })
  @IsIn(FEEDBACK_LABELS)
  label: FeedbackLabel;

  @ApiPropertyOptional({
    example: '6f1c2a9e-3b7d-4c51-9a0e-2d8f4b6c1e73',
    description: 'The request_id of the prediction this corrects.',
  })
  @IsOptional()
  @IsString()
  @MaxLength(128)
  @HasNoNul()
  request_id?: string;

  @ApiPropertyOptional({ enum: FEEDBACK_CHANNELS, example: 'sms' })
  @IsOptional()
  @IsIn(FEEDBACK_CHANNELS)
  channel?: ChannelChoice;

  @ApiPropertyOptional({ example: 'web', description: 'Who gives the label (web page, mail client plug-in, ...).' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  @Matches(/^[\w.:/-]+$/u, { message: 'source may only hold letters, digits and . : / _ -' })
  source?: string;
}

export class ListFeedbackQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: FEEDBACK_LABELS })
  @IsOptional()
  @IsIn(FEEDBACK_LABELS)
  label?: FeedbackLabel;

  @ApiPropertyOptional({
    example: '2026-11-01T00:00:00Z',
    description: 'Labels given at or after this instant (ISO 8601).',
  })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'from must be an ISO 8601 date or date-time' })
  from?: string;

  @ApiPropertyOptional({ example: '2026-12-01T00:00:00Z', description: 'Labels given before this instant (ISO 8601).' })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'to must be an ISO 8601 date or date-time' })
  to?: string;
}

export class FeedbackItemDto {
  @ApiProperty({ example: '0b8e8f8a-52d5-4c4b-9b55-7f3c3f0d9c11' })
  id: string;

  @ApiProperty({ example: 'WINNER!! You have been selected for a £1000 prize. Call 09061701461 now' })
  text: string;

  @ApiProperty({ enum: FEEDBACK_LABELS, example: 'spam' })
  label: FeedbackLabel;

  @ApiProperty({ example: '5f2b…', description: 'sha256 of the normalised text.' })
  content_hash: string;

  @ApiProperty({ nullable: true, type: String, example: 'sms' })
  channel: string | null;

  @ApiProperty({ nullable: true, type: String, example: 'web' })
  source: string | null;

  @ApiProperty({ nullable: true, type: String, example: '6f1c2a9e-3b7d-4c51-9a0e-2d8f4b6c1e73' })
  request_id: string | null;

  @ApiProperty({ example: '2026-11-27T14:05:12.123Z' })
  created_at: string;

  @ApiProperty({ example: '2026-11-27T14:05:12.123Z', description: 'When the current label was given.' })
  labelled_at: string;

  @ApiProperty({ example: 0, description: 'How often the label changed.' })
  relabel_count: number;
}

export class FeedbackReceiptDto {
  @ApiProperty({
    enum: ['created', 'relabelled', 'unchanged'],
    example: 'created',
    description:
      'created: new text (201); relabelled: known text, other label, replaced (200); unchanged: same label again (200).',
  })
  outcome: FeedbackOutcome;

  @ApiProperty({ type: FeedbackItemDto })
  feedback: FeedbackItemDto;
}

export class FeedbackPageDto extends PageDto {
  @ApiProperty({ type: [FeedbackItemDto] })
  items: FeedbackItemDto[];
}
