import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** Open Inference Protocol v2 tensors, restricted to what this model takes (BYTES text in) and gives. */
export class InferTensorDto {
  @ApiProperty({ example: 'text' })
  name: string;

  @ApiProperty({ example: [2], type: [Number] })
  shape: number[];

  @ApiProperty({ example: 'BYTES', enum: ['BYTES'] })
  datatype: string;

  @ApiProperty({ example: ['WINNER!! Claim your prize now', 'See you at 6?'], type: [String] })
  data: string[];
}

/** A requested output, named as in the model's metadata. */
export class InferRequestedOutputDto {
  @ApiProperty({ enum: ['label', 'spam_probability'], example: 'label' })
  name: 'label' | 'spam_probability';
}

export class InferRequestDto {
  @ApiPropertyOptional({ example: 'req-1' })
  id?: string;

  @ApiProperty({ type: [InferTensorDto] })
  inputs: InferTensorDto[];

  @ApiPropertyOptional({
    type: [InferRequestedOutputDto],
    description: 'Requested outputs by name (label, spam_probability); all when omitted.',
  })
  outputs?: InferRequestedOutputDto[];

  @ApiPropertyOptional({ type: 'object', additionalProperties: true })
  parameters?: Record<string, unknown>;
}

export class InferOutputDto {
  @ApiProperty({ example: 'label' })
  name: string;

  @ApiProperty({ example: [2], type: [Number] })
  shape: number[];

  @ApiProperty({ example: 'BYTES', enum: ['BYTES', 'FP64'] })
  datatype: string;

  @ApiProperty({ example: ['spam', 'not_spam'], type: 'array', items: {} })
  data: Array<string | number>;
}

export class InferResponseDto {
  @ApiProperty({ example: 'spam-classifier' })
  model_name: string;

  @ApiProperty({ example: '20261127T140512Z-3f9a1c2b' })
  model_version: string;

  @ApiProperty({ example: 'req-1' })
  id: string;

  @ApiProperty({ type: [InferOutputDto] })
  outputs: InferOutputDto[];
}

export class ServerMetadataDto {
  @ApiProperty({ example: 'spam-classifier' })
  name: string;

  @ApiProperty({ example: '2', description: 'The Open Inference Protocol version.' })
  version: string;

  @ApiProperty({ type: [String], example: [] })
  extensions: string[];
}

export class ServerLiveDto {
  @ApiProperty({ example: true })
  live: boolean;
}

export class ServerReadyDto {
  @ApiProperty({ example: true })
  ready: boolean;
}

export class TensorMetadataDto {
  @ApiProperty({ example: 'text' })
  name: string;

  @ApiProperty({ enum: ['BYTES', 'FP64'], example: 'BYTES' })
  datatype: string;

  @ApiProperty({ type: [Number], example: [-1] })
  shape: number[];
}

export class ModelMetadataDto {
  @ApiProperty({ example: 'spam-classifier' })
  name: string;

  @ApiProperty({ type: [String], example: ['20261127T140512Z-3f9a1c2b'] })
  versions: string[];

  @ApiProperty({ example: 'nodejs-svm' })
  platform: string;

  @ApiProperty({ type: [TensorMetadataDto], example: [{ name: 'text', datatype: 'BYTES', shape: [-1] }] })
  inputs: TensorMetadataDto[];

  @ApiProperty({
    type: [TensorMetadataDto],
    example: [
      { name: 'label', datatype: 'BYTES', shape: [-1] },
      { name: 'spam_probability', datatype: 'FP64', shape: [-1] },
    ],
  })
  outputs: TensorMetadataDto[];
}

export class ModelReadyDto {
  @ApiProperty({ example: 'spam-classifier' })
  name: string;

  @ApiProperty({ example: true })
  ready: boolean;
}

export const inferRequestSchema = {
  type: 'object',
  required: ['inputs'],
  properties: {
    id: { type: 'string', maxLength: 200 },
    inputs: {
      type: 'array',
      minItems: 1,
      maxItems: 1,
      items: {
        type: 'object',
        required: ['name', 'shape', 'datatype', 'data'],
        properties: {
          name: { type: 'string', const: 'text' },
          shape: { type: 'array', items: { type: 'integer', minimum: -1 }, minItems: 1, maxItems: 2 },
          datatype: { type: 'string', const: 'BYTES' },
          data: { type: 'array', minItems: 1, items: { type: 'string', minLength: 1 } },
          parameters: { type: 'object' },
        },
      },
    },
    outputs: {
      type: 'array',
      items: {
        type: 'object',
        required: ['name'],
        properties: { name: { type: 'string', enum: ['label', 'spam_probability'] } },
      },
    },
    parameters: { type: 'object' },
  },
} as const;
