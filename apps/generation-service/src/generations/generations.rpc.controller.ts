import { Controller } from '@nestjs/common';
import { MessagePattern } from '@nestjs/microservices';
import { type ApiView, type ExportPage, RpcPatterns } from '@pingvas/contracts';
import { RpcPayload } from '@pingvas/messaging';
import { IsInt, IsOptional, IsString, IsUUID, Max, MaxLength, Min } from 'class-validator';
import { EXPORT_PAGE_MAX, GenerationViews } from './reads/generation-views';

class ExportPageDto {
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

/** For the system worker's data export: every generation, as its owner's API shows it. */
@Controller()
export class GenerationsRpcController {
  constructor(private readonly views: GenerationViews) {}

  @MessagePattern(RpcPatterns.generation.generationsExport)
  async export(@RpcPayload() request: ExportPageDto): Promise<ExportPage<ApiView>> {
    const page = await this.views.exportPage(request.userId, request.cursor, request.limit);
    return page as unknown as ExportPage<ApiView>;
  }
}
