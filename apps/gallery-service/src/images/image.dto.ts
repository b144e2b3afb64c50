import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { PageCursor, PageLimit, UuidParam } from '@pingvas/common';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsISO8601,
  IsOptional,
  IsString,
  IsUUID,
  MaxLength,
  MinLength,
  ValidateIf,
} from 'class-validator';

/** 'true'/'false' in a query string become booleans; anything else fails validation. */
export const queryBoolean = ({ value }: { value: unknown }) =>
  value === 'true' ? true : value === 'false' ? false : value;

/** A query flag: '1'/'true' and '0'/'false' become booleans; anything else fails validation. */
export const queryFlag = ({ value }: { value: unknown }) =>
  value === '1' || value === 'true' ? true : value === '0' || value === 'false' ? false : value;

/** The filters listing and search share. */
export class ImageFiltersDto {
  @ApiPropertyOptional({ description: "A board's id, or 'none' for images on no board" })
  @IsOptional()
  @ValidateIf((o: ImageFiltersDto) => o.boardId !== 'none')
  @IsUUID()
  boardId?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @Transform(queryBoolean)
  @IsBoolean()
  starred?: boolean;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  modelId?: string;

  @ApiPropertyOptional({ description: 'Created at or after (ISO 8601)' })
  @IsOptional()
  @IsISO8601({ strict: true })
  from?: string;

  @ApiPropertyOptional({ description: 'Created before (ISO 8601)' })
  @IsOptional()
  @IsISO8601({ strict: true })
  to?: string;

  @PageLimit(30)
  limit?: number;

  @PageCursor()
  cursor?: string;
}

export class ListImagesDto extends ImageFiltersDto {
  @ApiPropertyOptional({ enum: ['newest', 'oldest'], default: 'newest' })
  @IsOptional()
  @IsIn(['newest', 'oldest'])
  order?: 'newest' | 'oldest';
}

export class UpdateImageDto {
  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  starred?: boolean;

  @ApiPropertyOptional({ nullable: true, description: 'A board of yours, or null for none' })
  @IsOptional()
  @ValidateIf((o: UpdateImageDto) => o.boardId !== null)
  @IsUUID()
  boardId?: string | null;
}

export class BulkDeleteDto {
  @ApiPropertyOptional({ type: [String], minItems: 1, maxItems: 100 })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  @IsUUID('all', { each: true })
  ids!: string[];
}

export class ImageFileParams extends UuidParam {
  @ApiProperty({ enum: ['file', 'thumbnail'] })
  @IsIn(['file', 'thumbnail'])
  variant!: 'file' | 'thumbnail';
}

/**
 * A signed URL's proof. Its parts have no shape rules of their own: an empty, garbled or
 * overlong signature, or an expiry that is not a number, is an altered URL, which the
 * signature check answers with 404 like any other (README), not a 400 that tells it apart.
 */
export class SignedFileQuery {
  @ApiPropertyOptional({ description: 'Expiry of a signed URL (Unix seconds)' })
  @IsOptional()
  @Type(() => Number)
  exp?: number;

  @ApiPropertyOptional({ description: 'Signature of a signed URL' })
  @IsOptional()
  @IsString()
  sig?: string;

  /** Not part of the proof: a bad value is the caller's mistake, answered 400. */
  @ApiPropertyOptional({
    description: '1 or true: Content-Disposition: attachment, so a browser saves the file',
  })
  @IsOptional()
  @Transform(queryFlag)
  @IsBoolean()
  download?: boolean;
}
