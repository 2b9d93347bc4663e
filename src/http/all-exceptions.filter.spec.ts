import { BadRequestException, HttpException, NotFoundException } from '@nestjs/common';
import { toErrorResponse } from './all-exceptions.filter';
import { ApiError, FieldValidationError } from './error-response';

describe(toErrorResponse.name, () => {
  it('should hide the internals of an unexpected error', () => {
    const body = toErrorResponse(new TypeError('secret internals at /app/src/x.ts:12'), 'r1');
    expect(body).toEqual({
      status_code: 500,
      error: 'Internal Server Error',
      message: 'Internal server error',
      request_id: 'r1',
    });
  });

  it('should keep a Nest HTTP exception message and status', () => {
    expect(toErrorResponse(new NotFoundException('no such thing'), 'r2')).toEqual({
      status_code: 404,
      error: 'Not Found',
      message: 'no such thing',
      request_id: 'r2',
    });
    expect(toErrorResponse(new HttpException('plain', 409), 'r3')).toMatchObject({
      status_code: 409,
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
      status_code: 410,
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
      status_code: 400,
      error: 'Bad Request',
      message: 'text too long',
      details: [{ field: 'text', message: 'too long' }],
      request_id: 'r5',
    });
  });

  it("should map Fastify's schema validation errors to named fields", () => {
    const error = Object.assign(new Error('body/text must be string'), {
      status_code: 400,
      validationContext: 'body',
      validation: [
        { instancePath: '/messages/2/text', message: 'must be string', keyword: 'type', params: { type: 'string' } },
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
    const body = toErrorResponse(error, 'r6');
    expect(body.details).toEqual([
      { field: 'messages.2.text', message: 'must be a string' },
      { field: 'text', message: 'is required' },
      { field: 'messages.0.x', message: 'is not allowed' },
    ]);
    expect(body.message).toBe('messages.2.text must be a string; text is required; messages.0.x is not allowed');
  });

  it('should say what would be valid, in the words the DTO validation uses', () => {
    const fault = (keyword: string, params: Record<string, unknown>, instancePath = '/channel') =>
      toErrorResponse(
        Object.assign(new Error('x'), {
          statusCode: 400,
          validationContext: 'body',
          validation: [{ instancePath, keyword, params, message: 'raw' }],
        }),
        'r8',
      ).message;
    expect(fault('enum', { allowedValues: ['sms', 'email', 'auto'] })).toBe('channel must be one of sms, email, auto');
    expect(fault('type', { type: 'string' }, '/text')).toBe('text must be a string');
    expect(fault('type', { type: 'object' }, '')).toBe('body must be an object');
    expect(fault('minLength', { limit: 1 }, '/text')).toBe('text must not be empty');
    expect(fault('minItems', { limit: 1 }, '/messages')).toBe('messages must hold at least 1 item');
    expect(fault('maxLength', { limit: 200 }, '/messages/0/id')).toBe('messages.0.id must be at most 200 characters');
    expect(fault('const', { allowedValue: 'BYTES' }, '/inputs/0/datatype')).toBe('inputs.0.datatype must be "BYTES"');
  });

  it('should name the body limit on 413', () => {
    expect(toErrorResponse(Object.assign(new Error('too large'), { statusCode: 413 }), 'r7', 1024).message).toBe(
      'request body is larger than the limit of 1024 bytes (BODY_LIMIT_BYTES)',
    );
  });
});
