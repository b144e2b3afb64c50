import { Controller } from '@nestjs/common';
import { MessagePattern } from '@nestjs/microservices';
import {
  type ApiView,
  EXPORT_PAGE_DEFAULT,
  type ExportPage,
  type ImageExportItem,
  RpcPatterns,
} from '@pingvas/contracts';
import { ExportPageDto } from '@pingvas/common';
import { RpcPayload } from '@pingvas/messaging';
import { BoardsService } from '../boards/boards.service';
import { ImagesService } from '../images/images.service';

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
    return this.boards.exportPage(
      request.userId,
      request.cursor,
      request.limit ?? EXPORT_PAGE_DEFAULT,
    );
  }
}
