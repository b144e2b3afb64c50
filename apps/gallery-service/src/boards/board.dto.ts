import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsOptional } from 'class-validator';
import { queryBoolean } from '../images/image.dto';
import { TypedText } from '../validation';

export class BoardNameDto {
  @TypedText('name', 100)
  name!: string;
}

export class DeleteBoardQuery {
  @ApiPropertyOptional({ description: 'Also delete the images on the board (default false)' })
  @IsOptional()
  @Transform(queryBoolean)
  @IsBoolean()
  includeImages?: boolean;
}
