import { ValidationPipe, type ValidationError } from '@nestjs/common';
import { describeFieldErrors, FieldValidationError, type FieldError } from './error-response';

/**
 * class-validator's stock wordings rewritten into the ones the schema-validated routes answer with
 * (`validationMessage` in all-exceptions.filter.ts), so one fault reads the same on every route.
 */
const WORDING: Record<string, (message: string) => string> = {
  whitelistValidation: () => 'is not allowed',
  isString: () => 'must be a string',
  isNotEmpty: () => 'must not be empty',
  isBoolean: () => 'must be true or false',
  isIn: (message) => message.replace('must be one of the following values: ', 'must be one of '),
};

/** Flattens class-validator's error tree into `{field: 'messages.3.text', message}` items. */
export function fieldErrors(errors: readonly ValidationError[], parent = ''): FieldError[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const own = Object.entries(error.constraints ?? {}).map(([kind, raw]) => {
      const message = raw.startsWith(`${error.property} `) ? raw.slice(error.property.length + 1) : raw;
      return { field, message: WORDING[kind]?.(message) ?? message };
    });
    return [...own, ...fieldErrors(error.children ?? [], field)];
  });
}

/** class-validator DTO validation that answers in the one error shape, naming each field. */
export const DTO_VALIDATION = new ValidationPipe({
  whitelist: true,
  forbidNonWhitelisted: true,
  transform: true,
  exceptionFactory: (errors) => {
    const details = fieldErrors(errors);
    return new FieldValidationError(describeFieldErrors(details), details);
  },
});
