import { Controller } from '@nestjs/common';
import { MessagePattern } from '@nestjs/microservices';
import { type ApiView, type ExportPage, RpcPatterns } from '@pingvas/contracts';
import { ExportPageDto } from '@pingvas/common';
import { RpcPayload } from '@pingvas/messaging';
import { GenerationViews } from './reads/generation-views';

/** For the system worker's data export: every generation, as its owner's API shows it. */
@Controller()
export class GenerationsRpcController {
  constructor(private readonly views: GenerationViews) {}

  @MessagePattern(RpcPatterns.generation.generationsExport)
  async export(@RpcPayload() request: ExportPageDto): Promise<ExportPage<ApiView>> {
    return this.views.exportPage(request.userId, request.cursor, request.limit);
  }
}
