import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Matches, MaxLength } from 'class-validator';

export class ReloadRequestDto {
  @ApiPropertyOptional({
    description: 'An artifact file name or model version inside MODEL_DIR; omitted = the newest artifact.',
    example: '20261127T140512Z-3f9a1c2b',
  })
  @IsOptional()
  @IsString()
  @MaxLength(255)
  @Matches(/^[\w.-]+$/, { message: 'artifact must be a file name or version (letters, digits, ".", "_", "-")' })
  artifact?: string;
}

export class OperatingPointCvDto {
  @ApiProperty({ example: 0.0009, description: 'Share of the not-spam training rows flagged as spam.' })
  fp_rate: number;

  @ApiProperty({ example: 0.912, description: 'Share of the spam training rows caught.' })
  recall: number;

  @ApiProperty({ example: 0.993 })
  precision: number;

  @ApiProperty({ example: 0.951 })
  f1: number;

  @ApiProperty({ example: 4, description: 'Not-spam training rows flagged as spam.' })
  fp: number;

  @ApiProperty({ example: 105, description: 'Spam training rows missed.' })
  fn: number;
}

export class ChannelOperatingPointDto {
  @ApiProperty({ example: 0.913, description: 'Spam when a message of this channel has a spam probability ≥ this.' })
  threshold: number;

  @ApiProperty({
    example: 0.004,
    nullable: true,
    type: Number,
    description: "The false-positive rate the channel's threshold was chosen for, on that channel's training rows.",
  })
  max_fp_rate: number | null;

  @ApiProperty({
    type: OperatingPointCvDto,
    nullable: true,
    description: "Out-of-fold figures on the channel's training rows at its threshold.",
  })
  cv: OperatingPointCvDto | null;
}

export class ChannelOperatingPointsDto {
  @ApiPropertyOptional({ type: ChannelOperatingPointDto })
  sms?: ChannelOperatingPointDto;

  @ApiPropertyOptional({ type: ChannelOperatingPointDto })
  email?: ChannelOperatingPointDto;
}

export class OperatingPointDto {
  @ApiProperty({
    example: 0.73,
    description:
      "Spam when the spam probability is ≥ this (unless a request gives its own `threshold`, or the message's channel has its own in `channels`). 0.5 for a model without an operating point.",
  })
  threshold: number;

  @ApiProperty({
    example: 0.001,
    nullable: true,
    type: Number,
    description:
      'The false-positive rate the threshold was chosen for (the lowest threshold whose cross-validated rate is at most this); null: not chosen for one.',
  })
  max_fp_rate: number | null;

  @ApiProperty({
    example:
      'lowest threshold keeping the false-positive rate ≤ 0.1 % on out-of-fold probabilities (5-fold cross-validation of the calibration) of 4,457 training rows',
    description: 'How the threshold was chosen, in words.',
  })
  chosen_by: string;

  @ApiProperty({
    type: OperatingPointCvDto,
    nullable: true,
    description: 'Out-of-fold figures on the training rows at the threshold; null when not chosen by cross-validation.',
  })
  cv: OperatingPointCvDto | null;

  @ApiProperty({
    type: ChannelOperatingPointsDto,
    description:
      "A model trained on several channels: each channel's own threshold, which decides the messages of that channel (`threshold` decides the others). Empty for a model with one threshold.",
  })
  channels: ChannelOperatingPointsDto;

  @ApiProperty({
    example: true,
    description: 'False for an artifact made before operating points: it decides at the default 0.5.',
  })
  recorded: boolean;
}

export class ModelCardDto {
  @ApiProperty({ example: '20261127T140512Z-3f9a1c2b' })
  version: string;

  @ApiProperty({ example: 'svm' })
  algorithm: string;

  @ApiProperty({ type: OperatingPointDto, description: 'The decision threshold the model serves with.' })
  operating_point: OperatingPointDto;

  @ApiProperty({
    description: 'Hyperparameters of the vectorizer and the model, keys in snake_case.',
    example: {
      model: { C: 1, calibration: 'sigmoid', calibration_folds: 3, class_weight: 'balanced', max_iter: 1000 },
      vectorizer: { analyzers: [{ kind: 'char_wb', lowercase: true, ngram_range: [2, 5] }], max_features: 30000 },
    },
    type: 'object',
    additionalProperties: true,
    nullable: true,
  })
  parameters: unknown;

  @ApiProperty({
    description:
      'Evaluation metrics recorded at training time, per evaluation set. `confusion_matrix` is [[tn, fp], [fn, tp]]: rows are the true class (not_spam, spam), columns the predicted one.',
    example: {
      evaluation: {
        sms: { n: 1115, accuracy: 0.991, precision: 1, recall: 0.933, f1: 0.965, roc_auc: 0.991, tp: 139, fp: 0 },
      },
    },
    type: 'object',
    additionalProperties: true,
    nullable: true,
  })
  metrics: unknown;

  @ApiProperty({
    description: 'Training data: fingerprint, rows, spam, not_spam, sources.',
    example: { fingerprint: 'b3cea727…', rows: 9293, spam: 2115, not_spam: 7178, sources: ['email', 'sms'] },
    type: 'object',
    additionalProperties: true,
    nullable: true,
  })
  training: unknown;

  @ApiProperty({ example: 'b3cea72768f3f917…', nullable: true, type: String })
  training_data_fingerprint: string | null;

  @ApiProperty({ example: '2026-11-27T14:05:12.000Z' })
  trained_at: string;

  @ApiProperty({ example: '3f9a1c2b…' })
  checksum: string;

  @ApiProperty({
    example: '20261127T140512Z-3f9a1c2b.json',
    description: 'The artifact, by its path inside MODEL_DIR.',
  })
  source: string;

  @ApiProperty({ example: '2026-11-27T14:06:00.000Z' })
  loaded_at: string;
}
