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

export class LedgerQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit?: number;

  @ApiPropertyOptional({ description: 'nextCursor of the previous page' })
  @IsOptional()
  @IsNumberString({ no_symbols: true })
  @MaxLength(19)
  cursor?: string;
}

export class AdminGrantDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  userId!: string;

  @ApiProperty({ minimum: 1, maximum: 10_000_000 })
  @IsInt()
  @Min(1)
  @Max(10_000_000)
  amount!: number;

  @ApiProperty({ maxLength: 200 })
  @IsString()
  @Matches(/\S/, { message: 'reason must not be blank' })
  @MaxLength(200)
  reason!: string;
}

export class UserIdParam {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  userId!: string;
}
