import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authenticated, type AuthPrincipal, CurrentUser, UuidParam } from '@pingvas/common';
import { BulkDeleteDto, ListImagesDto, UpdateImageDto } from './image.dto';
import { ImagesService } from './images.service';

@ApiTags('images')
@Controller('images')
@Authenticated()
export class ImagesController {
  constructor(private readonly images: ImagesService) {}

  @Get()
  @ApiOperation({ summary: 'Your images (cursor pages; board, starred, model and date filters)' })
  list(@CurrentUser() caller: AuthPrincipal, @Query() query: ListImagesDto) {
    return this.images.list(caller.userId, query);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One of your images, with signed URLs of its file and thumbnail' })
  get(@CurrentUser() caller: AuthPrincipal, @Param() params: UuidParam) {
    return this.images.get(caller.userId, params.id);
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Star it, or move it to a board of yours (boardId null: no board)' })
  update(
    @CurrentUser() caller: AuthPrincipal,
    @Param() params: UuidParam,
    @Body() body: UpdateImageDto,
  ) {
    return this.images.update(caller.userId, params.id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete: gone from lists and search at once, files removed later' })
  async remove(@CurrentUser() caller: AuthPrincipal, @Param() params: UuidParam): Promise<void> {
    const { deleted } = await this.images.delete(caller.userId, [params.id]);
    if (deleted.length === 0) await this.images.get(caller.userId, params.id); // 404
  }

  @Post('delete')
  @HttpCode(200)
  @ApiOperation({ summary: 'Delete up to 100 of your images at once' })
  bulkDelete(@CurrentUser() caller: AuthPrincipal, @Body() body: BulkDeleteDto) {
    return this.images.delete(caller.userId, body.ids);
  }
}
