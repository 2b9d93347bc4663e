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

export class ModelCardDto {
  @ApiProperty({ example: '20261127T140512Z-3f9a1c2b' })
  version: string;

  @ApiProperty({ example: 'svm' })
  algorithm: string;

  @ApiProperty({
    description: 'Hyperparameters of the vectorizer and the model.',
    type: 'object',
    additionalProperties: true,
    nullable: true,
  })
  parameters: unknown;

  @ApiProperty({
    description: 'Evaluation metrics recorded at training time.',
    type: 'object',
    additionalProperties: true,
    nullable: true,
  })
  metrics: unknown;

  @ApiProperty({
    description: 'Training data: fingerprint, rows, spam, ham, sources.',
    type: 'object',
    additionalProperties: true,
    nullable: true,
  })
  training: unknown;

  @ApiProperty({ example: 'sha256:9c1e…', nullable: true })
  training_data_fingerprint: string | null;

  @ApiProperty({ example: '2026-11-27T14:05:12.000Z' })
  trained_at: string;

  @ApiProperty({ example: '3f9a1c2b…' })
  checksum: string;

  @ApiProperty({ example: '/app/var/models/20261127T140512Z-3f9a1c2b.json' })
  source: string;

  @ApiProperty({ example: '2026-11-27T14:06:00.000Z' })
  loaded_at: string;
}
