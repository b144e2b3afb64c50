import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsInt,
  IsNumberString,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
} from 'class-validator';

/** `?limit=`: a page size from 1 to `max`, `fallback` when absent (the service applies it). */
export function PageLimit(fallback: number, max = 100): PropertyDecorator {
  return applyDecorators(
    ApiPropertyOptional({ minimum: 1, maximum: max, default: fallback }),
    IsOptional(),
    Type(() => Number),
    IsInt(),
    Min(1),
    Max(max),
  );
}

/**
 * `?cursor=`: the `nextCursor` of the previous page, as the list issued it: base64url text,
 * or a row number for lists keyed by a sequence (`numeric`).
 */
export function PageCursor({
  maxLength = 500,
  numeric = false,
}: { maxLength?: number; numeric?: boolean } = {}): PropertyDecorator {
  return applyDecorators(
    ApiPropertyOptional({ description: 'nextCursor of the previous page' }),
    IsOptional(),
    numeric ? IsNumberString({ no_symbols: true }) : IsString(),
    MaxLength(maxLength),
    ...(numeric ? [] : [Matches(/^[A-Za-z0-9_-]+$/)]),
  );
}

/** The one way a route takes a resource id from its path: `@Param() { id }: UuidParam`. */
export class UuidParam {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  id!: string;
}
