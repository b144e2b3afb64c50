import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { EXPORT_PAGE_MAX, type ExportPageRequest } from '@pingvas/contracts';
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

/**
 * An export RPC's request (`ExportPageRequest`): whose rows, after which cursor (the previous
 * page's `nextCursor`, in the answering service's own format), how many.
 */
export class ExportPageDto implements ExportPageRequest {
  @IsUUID()
  userId!: string;

  @IsOptional()
  @IsString()
  @MaxLength(500)
  cursor?: string;

  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(EXPORT_PAGE_MAX)
  limit?: number;
}
