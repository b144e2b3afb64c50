import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Nested, Optional } from '@pingvas/common';
import { TIERS, type Tier } from '@pingvas/contracts';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsNumber,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
} from 'class-validator';

export class ModelDefaultsDto {
  @ApiProperty({ minimum: 1, maximum: 150 }) @IsInt() @Min(1) @Max(150) steps!: number;
  @ApiProperty({ minimum: 0, maximum: 30 }) @IsNumber() @Min(0) @Max(30) guidanceScale!: number;
  @ApiProperty({ minimum: 64, maximum: 4096 }) @IsInt() @Min(64) @Max(4096) width!: number;
  @ApiProperty({ minimum: 64, maximum: 4096 }) @IsInt() @Min(64) @Max(4096) height!: number;
  @ApiProperty({ enum: ['euler', 'lcm'] }) @IsIn(['euler', 'lcm']) scheduler!: 'euler' | 'lcm';
}

export class ModelLimitsDto {
  @ApiProperty({ minimum: 64 }) @IsInt() @Min(64) @Max(4096) minSide!: number;
  @ApiProperty({ maximum: 4096 }) @IsInt() @Min(64) @Max(4096) maxSide!: number;
  @ApiProperty({ minimum: 1, maximum: 150 }) @IsInt() @Min(1) @Max(150) maxSteps!: number;
}

export class ModelCostDto {
  @ApiProperty({ minimum: 0 }) @IsInt() @Min(0) @Max(100_000) perImage!: number;
  @ApiProperty({ minimum: 0 }) @IsInt() @Min(0) @Max(100_000) perStep!: number;
}

export class RegisterModelDto {
  @ApiProperty({ example: 'sd-turbo', maxLength: 64 })
  @IsString()
  @Matches(/^[a-z0-9][a-z0-9._-]{0,63}$/, {
    message: 'name is 1-64 lower-case letters, digits, ., _ or -',
  })
  name!: string;

  @ApiPropertyOptional({
    example: 'sd-turbo',
    description: 'Folder inside MODELS_DIR (BAD_MODEL_PATH if it leaves it); or give storagePrefix',
  })
  @Optional()
  @IsString()
  @MaxLength(255)
  path?: string;

  @ApiPropertyOptional({
    example: 'models/sd-turbo/2024-11-01',
    description: 'Key prefix of a package in the blob store, under models/; or give path',
  })
  @Optional()
  @IsString()
  @MaxLength(400)
  storagePrefix?: string;

  @ApiProperty({ example: 'sd-turbo', maxLength: 64 }) @IsString() @MaxLength(64) family!: string;

  @ApiProperty() @Nested(() => ModelDefaultsDto) defaults!: ModelDefaultsDto;
  @ApiProperty() @Nested(() => ModelLimitsDto) limits!: ModelLimitsDto;
  @ApiProperty() @Nested(() => ModelCostDto) cost!: ModelCostDto;
  @ApiProperty({ enum: TIERS }) @IsIn(TIERS) minTier!: Tier;
}

export class UpdateModelDto {
  @ApiPropertyOptional() @Optional() @IsBoolean() enabled?: boolean;
  @ApiPropertyOptional({ description: 'true makes this the default model' })
  @Optional()
  @IsIn([true])
  isDefault?: true;
  @ApiPropertyOptional() @Optional() @Nested(() => ModelDefaultsDto) defaults?: ModelDefaultsDto;
  @ApiPropertyOptional() @Optional() @Nested(() => ModelLimitsDto) limits?: ModelLimitsDto;
  @ApiPropertyOptional() @Optional() @Nested(() => ModelCostDto) cost?: ModelCostDto;
  @ApiPropertyOptional({ enum: TIERS }) @Optional() @IsIn(TIERS) minTier?: Tier;
}
