import { applyDecorators } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsString, Matches, MaxLength, MinLength } from 'class-validator';

/**
 * One line of text a person typed (a board name, a search): trimmed, 1 to `max` characters,
 * no control characters.
 */
export function TypedText(field: string, max: number, description?: string) {
  return applyDecorators(
    ApiProperty({ minLength: 1, maxLength: max, description }),
    Transform(({ value }: { value: unknown }) =>
      typeof value === 'string' ? value.trim() : value,
    ),
    IsString(),
    MinLength(1),
    MaxLength(max),
    Matches(/^\P{Cc}*$/u, { message: `${field} must not contain control characters` }),
  );
}
