import { ApiProperty } from '@nestjs/swagger';
import { PageCursor, PageLimit } from '@pingvas/common';
import { IsInt, IsString, IsUUID, Matches, Max, MaxLength, Min } from 'class-validator';

export class LedgerQueryDto {
  @PageLimit(50)
  limit?: number;

  /** The id of the last entry of the previous page (a bigint). */
  @PageCursor({ numeric: true, maxLength: 19 })
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
