import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Optional } from '@pingvas/common';
import {
  IsInt,
  IsNumber,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
} from 'class-validator';

export const MAX_SEED = 2 ** 32 - 1;

/**
 * A generation request. Size, steps and guidance default to the model's own; the model's and
 * the plan's limits are checked once both are known (GenerationsService).
 */
export class CreateGenerationDto {
  @ApiProperty({ minLength: 1, maxLength: 2000 })
  @IsString()
  @MinLength(1)
  @MaxLength(2000)
  @Matches(/\S/, { message: 'prompt must not be blank' })
  prompt!: string;

  @ApiPropertyOptional({ maxLength: 2000 })
  @Optional()
  @IsString()
  @MaxLength(2000)
  negativePrompt?: string;

  @ApiPropertyOptional({ description: "A model's id or name; the default model when absent" })
  @Optional()
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  modelId?: string;

  @ApiPropertyOptional({ minimum: 64, maximum: 4096, description: 'A multiple of 8' })
  @Optional()
  @IsInt()
  @Min(64)
  @Max(4096)
  width?: number;

  @ApiPropertyOptional({ minimum: 64, maximum: 4096, description: 'A multiple of 8' })
  @Optional()
  @IsInt()
  @Min(64)
  @Max(4096)
  height?: number;

  @ApiPropertyOptional({ minimum: 1, maximum: 200 })
  @Optional()
  @IsInt()
  @Min(1)
  @Max(200)
  steps?: number;

  @ApiPropertyOptional({ minimum: 0, maximum: 30 })
  @Optional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(30)
  guidanceScale?: number;

  @ApiPropertyOptional({ minimum: 0, maximum: MAX_SEED, description: 'Random when absent' })
  @Optional()
  @IsInt()
  @Min(0)
  @Max(MAX_SEED)
  seed?: number;

  @ApiPropertyOptional({ minimum: 1, maximum: 16, default: 1 })
  @Optional()
  @IsInt()
  @Min(1)
  @Max(16)
  count?: number;

  @ApiPropertyOptional({ format: 'uuid' })
  @Optional()
  @IsUUID()
  boardId?: string;
}
