import { Controller } from '@nestjs/common';
import { MessagePattern } from '@nestjs/microservices';
import {
  type ApiView,
  type ExportPage,
  type ImageExportItem,
  RpcPatterns,
} from '@pingvas/contracts';
import { RpcPayload } from '@pingvas/messaging';
import { IsInt, IsOptional, IsString, IsUUID, Max, MaxLength, Min } from 'class-validator';
import { BoardsService } from '../boards/boards.service';
import { EXPORT_PAGE_DEFAULT, EXPORT_PAGE_MAX, ImagesService } from '../images/images.service';

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

/** For the system worker's data export: the owner's images (with their files) and boards. */
@Controller()
export class ExportRpcController {
  constructor(
    private readonly images: ImagesService,
    private readonly boards: BoardsService,
  ) {}

  @MessagePattern(RpcPatterns.gallery.imagesExport)
  imagesPage(@RpcPayload() request: ExportPageDto): Promise<ExportPage<ImageExportItem>> {
    return this.images.exportPage(request.userId, request.cursor, request.limit);
  }

  @MessagePattern(RpcPatterns.gallery.boardsExport)
  async boardsPage(@RpcPayload() request: ExportPageDto): Promise<ExportPage<ApiView>> {
    const page = await this.boards.exportPage(
      request.userId,
      request.cursor,
      request.limit ?? EXPORT_PAGE_DEFAULT,
    );
    return page as unknown as ExportPage<ApiView>;
  }
}
