import { ApiProperty, ApiPropertyOptional, ApiResponse } from '@nestjs/swagger';
import { STATUS_CODES } from 'node:http';

/** The one error shape every route answers with, 404 and body parse errors included. */
export interface ErrorResponse {
  status_code: number;
  error: string;
  message: string;
  details?: unknown;
  request_id: string;
}

/** One problem with one field of a request: `field` a dotted path, empty for the whole body. */
export interface FieldError {
  field: string;
  message: string;
}

/**
 * The one message for field problems on every route, whichever validator found them: `channel must be one of sms,
 * email, auto; text is required`. A problem with the whole body or query is named by `where`.
 */
export function describeFieldErrors(details: readonly FieldError[], where = 'body'): string {
  return details.map((d) => `${d.field || where} ${d.message}`).join('; ');
}

/** One problem with one field of a request. */
export class FieldErrorDto {
  @ApiProperty({
    example: 'text',
    description: 'The field at fault, as a dotted path (`messages.3.text`); empty for the whole body.',
  })
  field: string;

  @ApiProperty({ example: 'must be one of sms, email, auto' })
  message: string;
}

export class ErrorResponseDto implements ErrorResponse {
  @ApiProperty({ example: 400, description: 'The HTTP status code, repeated.' })
  status_code: number;

  @ApiProperty({ example: 'Bad Request', description: 'The HTTP reason phrase.' })
  error: string;

  @ApiProperty({ example: 'text must be at most 262144 characters (MAX_TEXT_CHARS), got 300000' })
  message: string;

  @ApiPropertyOptional({
    description:
      'For validation errors, one item per field at fault; otherwise an object (the accepted media types for 415, ' +
      "each indicator's state for 503 from readiness).",
    oneOf: [
      {
        type: 'array',
        items: {
          type: 'object',
          required: ['field', 'message'],
          properties: { field: { type: 'string' }, message: { type: 'string' } },
        },
      },
      { type: 'object', additionalProperties: true },
    ],
    example: [{ field: 'text', message: 'must be at most 262144 characters (MAX_TEXT_CHARS), got 300000' }],
  })
  details?: unknown;

  @ApiProperty({
    example: '6f1c2a9e-3b7d-4c51-9a0e-2d8f4b6c1e73',
    description: 'Also in the X-Request-Id response header.',
  })
  request_id: string;
}

const EXAMPLE_REQUEST_ID = '6f1c2a9e-3b7d-4c51-9a0e-2d8f4b6c1e73';

/**
 * A documented error answer with its own example body (not the 400 the DTO's property examples would show):
 * `@ApiErrorResponse(413, 'Body larger than BODY_LIMIT_BYTES.', 'request body is larger than …')`.
 */
export function ApiErrorResponse(
  status: number,
  description: string,
  message: string,
  details?: unknown,
): MethodDecorator & ClassDecorator {
  const example: ErrorResponse = {
    status_code: status,
    error: STATUS_CODES[status] ?? 'Error',
    message,
    ...(details === undefined ? {} : { details }),
    request_id: EXAMPLE_REQUEST_ID,
  };
  return ApiResponse({ status, description, type: ErrorResponseDto, example });
}

/** The examples every route shares. */
export const ERROR_EXAMPLES = {
  bodyTooLarge: 'request body is larger than the limit of 1048576 bytes (BODY_LIMIT_BYTES)',
  noModel: 'no model is loaded yet; retry when /health/ready answers 200',
  noToken: 'admin route: send Authorization: Bearer <ADMIN_API_TOKEN>',
  wrongToken: 'admin token is not valid',
  tooManyRequests:
    'too many requests from this client: at most 600 per 60 s (THROTTLE_LIMIT per THROTTLE_TTL_MS); retry after 42 s',
  apiTooManyRequests:
    'too many requests from this client: at most 100 per 60 s (API_RATE_LIMIT per THROTTLE_TTL_MS); retry after 42 s',
} as const;

/**
 * An error a service throws for a failure the caller should hear about with a given status (a model that does not
 * exist: 404; an artifact refused: 422). Services name their failures with subclasses; the exception filter answers
 * with `httpStatus`, the message and the details, and knows no module's error classes.
 */
export abstract class ApiError extends Error {
  abstract readonly httpStatus: number;
  readonly details?: unknown;
}

/** A 400 with field details, thrown by services (limits) and built from schema/DTO validation failures. */
export class FieldValidationError extends ApiError {
  readonly httpStatus = 400;

  constructor(
    message: string,
    override readonly details: readonly FieldError[],
  ) {
    super(message);
    this.name = 'FieldValidationError';
  }
}
