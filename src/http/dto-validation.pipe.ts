import { ValidationPipe, type ValidationError } from '@nestjs/common';
import { FieldValidationError } from './error-response';

/** Flattens class-validator's error tree into `{field: 'messages.3.text', message}` items. */
export function fieldErrors(
  errors: readonly ValidationError[],
  parent = '',
): Array<{ field: string; message: string }> {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const own = Object.entries(error.constraints ?? {}).map(([kind, message]) => ({
      field,
      message:
        kind === 'whitelistValidation'
          ? 'is not allowed'
          : message.startsWith(`${error.property} `)
            ? message.slice(error.property.length + 1)
            : message,
    }));
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
    return new FieldValidationError(details.map((d) => `${d.field} ${d.message}`).join('; '), details);
  },
});
