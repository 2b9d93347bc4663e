import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

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
    description: 'Field-level problems for validation errors; health details for 503 from readiness.',
    example: [{ field: 'text', message: 'must be at most 262144 characters (MAX_TEXT_CHARS)' }],
  })
  details?: unknown;

  @ApiProperty({
    example: '6f1c2a9e-3b7d-4c51-9a0e-2d8f4b6c1e73',
    description: 'Also in the X-Request-Id response header.',
  })
  request_id: string;
}

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
