import { BadRequestException, HttpException, NotFoundException } from '@nestjs/common';
import { toErrorResponse } from './all-exceptions.filter';
import { ApiError, FieldValidationError } from './error-response';

describe(toErrorResponse.name, () => {
  it('should hide the internals of an unexpected error', () => {
    const body = toErrorResponse(new TypeError('secret internals at /app/src/x.ts:12'), 'r1');
    expect(body).toEqual({
      statusCode: 500,
      error: 'Internal Server Error',
      message: 'Internal server error',
      request_id: 'r1',
    });
  });

  it('should keep a Nest HTTP exception message and status', () => {
    expect(toErrorResponse(new NotFoundException('no such thing'), 'r2')).toEqual({
      statusCode: 404,
      error: 'Not Found',
      message: 'no such thing',
      request_id: 'r2',
    });
    expect(toErrorResponse(new HttpException('plain', 409), 'r3')).toMatchObject({
      statusCode: 409,
      error: 'Conflict',
      message: 'plain',
    });
    expect(toErrorResponse(new BadRequestException(['text must be a string']), 'r4')).toMatchObject({
      details: [{ field: 'text', message: 'must be a string' }],
    });
  });

  it("should answer a service's typed error with its own status, message and details", () => {
    class ThingGoneError extends ApiError {
      readonly httpStatus = 410;
    }
    expect(toErrorResponse(new ThingGoneError('the thing is gone'), 'r9')).toEqual({
      statusCode: 410,
      error: 'Gone',
      message: 'the thing is gone',
      request_id: 'r9',
    });
  });

  it('should map field validation errors with their details', () => {
    const body = toErrorResponse(
      new FieldValidationError('text too long', [{ field: 'text', message: 'too long' }]),
      'r5',
    );
    expect(body).toEqual({
      statusCode: 400,
      error: 'Bad Request',
      message: 'text too long',
      details: [{ field: 'text', message: 'too long' }],
      request_id: 'r5',
    });
  });

  it("should map Fastify's schema validation errors to named fields", () => {
    const error = Object.assign(new Error('body/text must be string'), {
      statusCode: 400,
      validationContext: 'body',
      validation: [
        { instancePath: '/messages/2/text', message: 'must be string', keyword: 'type', params: {} },
        {
          instancePath: '',
          message: "must have required property 'text'",
          keyword: 'required',
          params: { missingProperty: 'text' },
        },
        {
          instancePath: '/messages/0',
          message: 'must NOT have additional properties',
          keyword: 'additionalProperties',
          params: { additionalProperty: 'x' },
        },
      ],
    });
    expect(toErrorResponse(error, 'r6').details).toEqual([
      { field: 'messages.2.text', message: 'must be string' },
      { field: 'text', message: "must have required property 'text'" },
      { field: 'messages.0.x', message: 'must NOT have additional properties' },
    ]);
  });

  it('should name the body limit on 413', () => {
    expect(toErrorResponse(Object.assign(new Error('too large'), { statusCode: 413 }), 'r7', 1024).message).toBe(
      'request body is larger than the limit of 1024 bytes (BODY_LIMIT_BYTES)',
    );
  });
});
