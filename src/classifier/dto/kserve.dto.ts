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
  @ApiProperty({ enum: ['label', 'spam_probability', 'threshold'], example: 'label' })
  name: 'label' | 'spam_probability' | 'threshold';
}

export class InferRequestParametersDto {
  @ApiPropertyOptional({
    type: Number,
    minimum: 0,
    exclusiveMinimum: true,
    maximum: 1,
    description:
      "Decide every message with this threshold instead of the model's operating point: spam when the spam " +
      'probability is ≥ it. A number greater than 0 and at most 1; default: the operating point of the model ' +
      'serving (0.5 for a model without one). Any other value is a 400 naming `parameters.threshold`.',
  })
  threshold?: number;
}

export class InferResponseParametersDto {
  @ApiProperty({ example: 0.73, description: 'The threshold that decided every message of the request.' })
  threshold: number;

  @ApiProperty({
    enum: ['model', 'request'],
    example: 'model',
    description: '"request" when `parameters.threshold` gave it, "model" for the operating point of the model serving.',
  })
  threshold_source: 'model' | 'request';
}

export class InferRequestDto {
  @ApiPropertyOptional({ example: 'req-1' })
  id?: string;

  @ApiProperty({ type: [InferTensorDto] })
  inputs: InferTensorDto[];

  @ApiPropertyOptional({
    type: [InferRequestedOutputDto],
    description:
      'Requested outputs by name (label, spam_probability, threshold); label and spam_probability when omitted.',
  })
  outputs?: InferRequestedOutputDto[];

  @ApiPropertyOptional({ type: InferRequestParametersDto, description: 'Other parameters are ignored.' })
  parameters?: InferRequestParametersDto & Record<string, unknown>;
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

  @ApiPropertyOptional({ type: InferResponseParametersDto })
  parameters?: InferResponseParametersDto;

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
      { name: 'threshold', datatype: 'FP64', shape: [-1] },
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
        properties: { name: { type: 'string', enum: ['label', 'spam_probability', 'threshold'] } },
      },
    },
    parameters: { type: 'object' },
  },
} as const;
