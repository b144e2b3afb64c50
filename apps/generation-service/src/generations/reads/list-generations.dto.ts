import { ApiPropertyOptional } from '@nestjs/swagger';
import { PageCursor, PageLimit } from '@pingvas/common';
import { GENERATION_STATUSES, type GenerationStatus } from '@pingvas/contracts';
import { IsIn, IsOptional } from 'class-validator';

export class ListGenerationsDto {
  @PageLimit(20)
  limit?: number;

  @ApiPropertyOptional({ enum: GENERATION_STATUSES })
  @IsOptional()
  @IsIn(GENERATION_STATUSES)
  status?: GenerationStatus;

  @PageCursor({ maxLength: 200 })
  cursor?: string;
}
