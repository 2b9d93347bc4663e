import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsOptional, ValidateBy } from 'class-validator';

/** Every paged list answers `{items, total, limit, offset}` and takes `?limit=&offset=` in these ranges. */
export const MAX_PAGE_SIZE = 500;
/** The largest `offset` (a 32-bit integer, what every store binds as an integer). */
export const MAX_PAGE_OFFSET = 2_147_483_647;
export const DEFAULT_PAGE_SIZE = 50;

/** One check and one message naming the range (for query values: `1e20`, `abc` and `-1` get the same answer). */
export function IsIntegerInRange(min: number, max: number): PropertyDecorator {
  return ValidateBy({
    name: 'isIntegerInRange',
    validator: {
      validate: (value: unknown) => Number.isInteger(value) && (value as number) >= min && (value as number) <= max,
      defaultMessage: (args) => `${args?.property ?? 'value'} must be an integer from ${min} to ${max}`,
    },
  });
}

export class PageQueryDto {
  @ApiPropertyOptional({ default: DEFAULT_PAGE_SIZE, minimum: 1, maximum: MAX_PAGE_SIZE })
  @IsOptional()
  @Type(() => Number)
  @IsIntegerInRange(1, MAX_PAGE_SIZE)
  limit: number = DEFAULT_PAGE_SIZE;

  @ApiPropertyOptional({ default: 0, minimum: 0, maximum: MAX_PAGE_OFFSET })
  @IsOptional()
  @Type(() => Number)
  @IsIntegerInRange(0, MAX_PAGE_OFFSET)
  offset: number = 0;
}

/** The fields of a page besides its items (each list's DTO adds `items` with its own type). */
export class PageDto {
  @ApiProperty({ example: 132, description: 'Items in the whole list.' })
  total: number;

  @ApiProperty({ example: 50 })
  limit: number;

  @ApiProperty({ example: 0 })
  offset: number;
}
