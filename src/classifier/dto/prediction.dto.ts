import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMinSize,
  IsArray,
  IsIn,
  IsNotEmpty,
  IsNumber,
  IsOptional,
  IsPositive,
  IsString,
  Max,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import { CHANNEL_CHOICES, CHANNELS, type Channel, type ChannelChoice } from '../../engine';

/** Request body of `POST /api/v1/predictions`. */
export interface PredictionRequest {
  text: string;
  channel?: ChannelChoice;
  /** Unchecked by the JSON schema: `requestedThreshold` refuses anything but 0 < threshold ≤ 1 in one message. */
  threshold?: unknown;
}

/** What `threshold` in a request does, for the docs. */
export const THRESHOLD_REQUEST_DOC =
  "Decide with this threshold instead of the model's operating point: spam when the spam probability is ≥ it. " +
  'A number greater than 0 and at most 1; default: the operating point of the model serving (GET /api/v1/model ' +
  '`operating_point.threshold`; 0.5 for a model without one). Lower catches more spam and flags more not-spam ' +
  'messages; higher the reverse. Any other value is a 400 naming the field.';

/** Docs of a request's threshold: OpenAPI 3.0 says "greater than 0" as `minimum: 0, exclusiveMinimum: true`. */
const THRESHOLD_REQUEST_PROPERTY = {
  type: Number,
  minimum: 0,
  exclusiveMinimum: true,
  maximum: 1,
} as const;

export class PredictionRequestDto implements PredictionRequest {
  @ApiProperty({
    description:
      'The message to classify. Up to MAX_TEXT_CHARS characters (default 262144); only the first CLASSIFY_MAX_CHARS (default 20000) are classified.',
    example: 'WINNER!! You have been selected to receive a £900 prize reward! To claim call 09061701461.',
    minLength: 1,
  })
  @IsString()
  @IsNotEmpty()
  text: string;

  @ApiPropertyOptional({
    enum: CHANNEL_CHOICES,
    default: 'auto',
    description: 'Where the message comes from; "auto" guesses from its shape.',
  })
  @IsOptional()
  @IsIn(CHANNEL_CHOICES)
  channel?: ChannelChoice;

  @ApiPropertyOptional({ ...THRESHOLD_REQUEST_PROPERTY, description: THRESHOLD_REQUEST_DOC })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @IsPositive()
  @Max(1)
  threshold?: number;
}

/**
 * JSON schema of the same body, for Fastify's validator on the hot route (kept in step with the DTO by a test).
 * `threshold` is let through untyped: the service checks it, so a string and an out-of-range number are refused in
 * the same words (`requestedThreshold`).
 */
export const predictionRequestSchema = {
  type: 'object',
  required: ['text'],
  additionalProperties: false,
  properties: {
    text: { type: 'string', minLength: 1 },
    channel: { type: 'string', enum: [...CHANNEL_CHOICES] },
    threshold: {},
  },
} as const;

export const explainQuerySchema = {
  type: 'object',
  additionalProperties: false,
  properties: { explain: { type: 'string', enum: ['true', 'false', '1', '0'] } },
} as const;

export class WordWeightDto {
  @ApiProperty({
    example: 'claim',
    description:
      'A word of the message, case-folded and without the punctuation around it, or a phrase of adjacent words (word n-gram features).',
  })
  word: string;

  @ApiProperty({
    example: 1.27,
    description:
      "Its push on the decision in the explanation's unit, summed over its occurrences, its share of the baseline included; positive = towards spam.",
  })
  weight: number;
}

export class ExplanationDto {
  @ApiProperty({
    enum: ['log_odds', 'probability'],
    example: 'log_odds',
    description:
      'log_odds: weights add to the log-odds ln(p / (1 − p)) of the spam probability p (+0.69 doubles the odds of spam); probability: they add to p itself (an uncalibrated random forest).',
  })
  unit: 'log_odds' | 'probability';

  @ApiProperty({
    example: -7.253,
    description:
      "Where the model stands before reading any word (its bias). It is shared among the message's words in proportion to their squared TF-IDF values, so it is already part of their weights.",
  })
  baseline: number;

  @ApiProperty({
    example: 7.825,
    description:
      'Where the message ends: the sum of the weights of all its words (not only those listed). Spam from the threshold: ln(t / (1 − t)) in log-odds (0 for t = 0.5), t itself in probability.',
  })
  total: number;

  @ApiProperty({ type: [WordWeightDto], description: 'Up to 10 words, strongest first.' })
  towards_spam: WordWeightDto[];

  @ApiProperty({ type: [WordWeightDto], description: 'Up to 10 words, strongest (most negative) first.' })
  towards_not_spam: WordWeightDto[];
}

const THRESHOLD_RESPONSE_DOC =
  'The decision threshold that decided: spam when the spam probability is ≥ it. Exact (not rounded like the ' +
  "probability): the request's `threshold`, else the model's operating point.";
const THRESHOLD_SOURCE_DOC =
  '"request" when the request gave the threshold, "model" when it is the operating point of the model serving.';

const TRUNCATED =
  'Present only when the model did not read the whole message: it read the first read_chars of total_chars characters (CLASSIFY_MAX_CHARS); the rest did not count.';

export class ModelRefDto {
  @ApiProperty({ example: '20261127T140512Z-3f9a1c2b' })
  version: string;

  @ApiProperty({ example: 'svm', enum: ['naive_bayes', 'svm', 'logistic_regression', 'random_forest'] })
  algorithm: string;
}

export class TruncationDto {
  @ApiProperty({
    example: 20000,
    description: 'Characters the model read, from the start: at most CLASSIFY_MAX_CHARS (default 20000).',
  })
  read_chars: number;

  @ApiProperty({
    example: 33112,
    description: 'Characters of the text it classifies: the text submitted, or for a raw email the text read from it.',
  })
  total_chars: number;

  @ApiPropertyOptional({
    example: 80000,
    description:
      'Only for a raw email longer than 4 × CLASSIFY_MAX_CHARS: it was parsed from this many of its first characters.',
  })
  source_read_chars?: number;

  @ApiPropertyOptional({ example: 120000, description: "With source_read_chars: the raw email's length." })
  source_total_chars?: number;
}

export class PredictionResponseDto {
  @ApiProperty({ enum: ['spam', 'not_spam'], example: 'spam' })
  prediction: 'spam' | 'not_spam';

  @ApiProperty({ example: 0.987, minimum: 0, maximum: 1 })
  spam_probability: number;

  @ApiProperty({
    example: 0.987,
    minimum: 0,
    maximum: 1,
    description:
      'Probability of the predicted label: below 0.5 when the threshold is not 0.5 and decided for the less likely label.',
  })
  confidence: number;

  @ApiProperty({ example: 0.73, minimum: 0, exclusiveMinimum: true, maximum: 1, description: THRESHOLD_RESPONSE_DOC })
  threshold: number;

  @ApiProperty({ enum: ['model', 'request'], example: 'model', description: THRESHOLD_SOURCE_DOC })
  threshold_source: 'model' | 'request';

  @ApiProperty({ enum: CHANNELS, example: 'sms', description: 'The channel used (resolved when "auto").' })
  channel: Channel;

  @ApiProperty({ example: '6f1c2a9e-3b7d-4c51-9a0e-2d8f4b6c1e73' })
  request_id: string;

  @ApiProperty({ type: ModelRefDto })
  model: ModelRefDto;

  @ApiPropertyOptional({ type: TruncationDto, description: TRUNCATED })
  truncated?: TruncationDto;

  @ApiPropertyOptional({
    type: ExplanationDto,
    description: 'With ?explain=true: the words that drove the decision.',
  })
  explanation?: ExplanationDto;
}

const wordListSchema = {
  type: 'array',
  items: { type: 'object', properties: { word: { type: 'string' }, weight: { type: 'number' } } },
} as const;

const explanationSchema = {
  type: 'object',
  properties: {
    unit: { type: 'string' },
    baseline: { type: 'number' },
    total: { type: 'number' },
    towards_spam: wordListSchema,
    towards_not_spam: wordListSchema,
  },
} as const;

export const predictionResponseSchema = {
  type: 'object',
  properties: {
    prediction: { type: 'string' },
    spam_probability: { type: 'number' },
    confidence: { type: 'number' },
    threshold: { type: 'number' },
    threshold_source: { type: 'string' },
    channel: { type: 'string' },
    request_id: { type: 'string' },
    model: { type: 'object', properties: { version: { type: 'string' }, algorithm: { type: 'string' } } },
    truncated: {
      type: 'object',
      properties: {
        read_chars: { type: 'integer' },
        total_chars: { type: 'integer' },
        source_read_chars: { type: 'integer' },
        source_total_chars: { type: 'integer' },
      },
    },
    explanation: explanationSchema,
  },
} as const;

/** One message of a batch. */
export class BatchMessageDto {
  @ApiPropertyOptional({ example: 'msg-1', description: 'Echoed back in the result.', maxLength: 200 })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  id?: string;

  @ApiProperty({ example: 'Are we still on for lunch tomorrow?', minLength: 1 })
  @IsString()
  @IsNotEmpty()
  text: string;

  @ApiPropertyOptional({ enum: CHANNEL_CHOICES, default: 'auto' })
  @IsOptional()
  @IsIn(CHANNEL_CHOICES)
  channel?: ChannelChoice;
}

export interface BatchRequest {
  messages: Array<{ id?: string; text: string; channel?: ChannelChoice }>;
  /** Unchecked by the JSON schema, as in `PredictionRequest`. */
  threshold?: unknown;
}

export class BatchRequestDto implements BatchRequest {
  @ApiProperty({ type: [BatchMessageDto], description: 'Up to MAX_BATCH_SIZE messages (default 1000).' })
  @IsArray()
  @ArrayMinSize(1)
  @ValidateNested({ each: true })
  @Type(() => BatchMessageDto)
  messages: BatchMessageDto[];

  @ApiPropertyOptional({
    ...THRESHOLD_REQUEST_PROPERTY,
    description: `One threshold for every message of the batch (there is no threshold per message). ${THRESHOLD_REQUEST_DOC}`,
  })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @IsPositive()
  @Max(1)
  threshold?: number;
}

export const batchRequestSchema = {
  type: 'object',
  required: ['messages'],
  additionalProperties: false,
  properties: {
    messages: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        required: ['text'],
        additionalProperties: false,
        properties: {
          id: { type: 'string', maxLength: 200 },
          text: { type: 'string', minLength: 1 },
          channel: { type: 'string', enum: [...CHANNEL_CHOICES] },
        },
      },
    },
    threshold: {},
  },
} as const;

export class BatchResultDto {
  @ApiPropertyOptional({ example: 'msg-1' })
  id?: string;

  @ApiProperty({ enum: ['spam', 'not_spam'] })
  prediction: 'spam' | 'not_spam';

  @ApiProperty({ example: 0.012 })
  spam_probability: number;

  @ApiProperty({ example: 0.988 })
  confidence: number;

  @ApiProperty({ example: 0.73, minimum: 0, exclusiveMinimum: true, maximum: 1, description: THRESHOLD_RESPONSE_DOC })
  threshold: number;

  @ApiProperty({ enum: ['model', 'request'], example: 'model', description: THRESHOLD_SOURCE_DOC })
  threshold_source: 'model' | 'request';

  @ApiProperty({ enum: CHANNELS })
  channel: Channel;

  @ApiPropertyOptional({ type: TruncationDto, description: TRUNCATED })
  truncated?: TruncationDto;

  @ApiPropertyOptional({
    type: ExplanationDto,
    description: 'With ?explain=true: the words that drove the decision.',
  })
  explanation?: ExplanationDto;
}

export class BatchResponseDto {
  @ApiProperty({ type: [BatchResultDto], description: 'In the order of the request.' })
  results: BatchResultDto[];

  @ApiProperty({ example: '6f1c2a9e-3b7d-4c51-9a0e-2d8f4b6c1e73' })
  request_id: string;

  @ApiProperty({ type: ModelRefDto })
  model: ModelRefDto;
}

/** The seed's `POST /predict` body and answer, kept for its clients. */
export class SeedPredictRequestDto {
  @ApiProperty({ example: 'Free entry in 2 a wkly comp to win FA Cup final tkts' })
  @IsString()
  @IsNotEmpty()
  text: string;
}

export const seedPredictRequestSchema = {
  type: 'object',
  required: ['text'],
  properties: { text: { type: 'string', minLength: 1 } },
} as const;

export class SeedPredictResponseDto {
  @ApiProperty({
    enum: ['spam', 'ham'],
    example: 'spam',
    description: "The seed's words (spam/ham), kept for its clients.",
  })
  prediction: 'spam' | 'ham';

  @ApiProperty({ example: 0.97 })
  confidence: number;

  @ApiProperty({ example: '6f1c2a9e-3b7d-4c51-9a0e-2d8f4b6c1e73' })
  request_id: string;

  @ApiProperty({ example: '20261127T140512Z-3f9a1c2b' })
  model_version: string;
}

export const seedPredictResponseSchema = {
  type: 'object',
  properties: {
    prediction: { type: 'string' },
    confidence: { type: 'number' },
    request_id: { type: 'string' },
    model_version: { type: 'string' },
  },
} as const;
