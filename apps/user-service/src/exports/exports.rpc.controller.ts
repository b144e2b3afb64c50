import { Controller } from '@nestjs/common';
import { MessagePattern } from '@nestjs/microservices';
import { type ExportLinkResponse, RpcPatterns } from '@pingvas/contracts';
import { RpcPayload } from '@pingvas/messaging';
import { IsUUID } from 'class-validator';
import { ExportsService } from './exports.service';

class ExportLinkDto {
  @IsUUID()
  userId!: string;

  @IsUUID()
  exportId!: string;
}

@Controller()
export class ExportsRpcController {
  constructor(private readonly exports: ExportsService) {}

  /** The system worker stored the zip: mark it ready and sign the link it mails. */
  @MessagePattern(RpcPatterns.user.exportsLink)
  link(@RpcPayload() request: ExportLinkDto): Promise<ExportLinkResponse> {
    return this.exports.link(request.userId, request.exportId);
  }
}
