import { Controller, Get, Param, Query, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { Authenticated, type AuthPrincipal, OptionalUser } from '@pingvas/common';
import type { Request, Response } from 'express';
import { ImageFileParams, SignedFileQuery } from './image.dto';
import type { ImageVariant } from './image-files';
import { ImagesService } from './images.service';

/**
 * The bytes of an image and of its thumbnail: to the owner signed in, or to whoever holds a
 * signed URL that the owner had made (for `<img src>`). An image's bytes never change, so they
 * are cached privately, and revalidated by ETag.
 */
@ApiTags('images')
@Controller('images')
export class ImageFilesController {
  constructor(private readonly images: ImagesService) {}

  @Get(':id/:variant')
  @Authenticated({ optional: true })
  @ApiProduces('image/png', 'image/webp')
  @ApiOperation({
    summary:
      'The PNG (file) or the 256 px WebP (thumbnail): signed in as the owner, or ?exp=&sig= from a signed URL',
  })
  get(
    @OptionalUser() caller: AuthPrincipal | undefined,
    @Param() params: ImageFileParams,
    @Query() query: SignedFileQuery,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    return this.send(params.variant, caller, params.id, query, req, res);
  }

  private async send(
    variant: ImageVariant,
    caller: AuthPrincipal | undefined,
    id: string,
    query: SignedFileQuery,
    req: Request,
    res: Response,
  ): Promise<void> {
    const file = await this.images.open(id, variant, {
      userId: caller?.userId,
      exp: query.exp,
      sig: query.sig,
    });
    const etag = `"${id}-${variant}"`;
    // Only a signature that verified vouches for its expiry (an owner may send any ?exp=).
    const signedUntil = query.sig !== undefined ? query.exp : undefined;
    const maxAge =
      signedUntil !== undefined ? Math.max(0, signedUntil - Math.floor(Date.now() / 1000)) : 3600;
    res.setHeader('Cache-Control', `private, max-age=${maxAge}, immutable`);
    res.setHeader('ETag', etag);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    if (req.headers['if-none-match'] === etag) {
      file.stream.destroy();
      res.status(304).end();
      return;
    }
    res.setHeader('Content-Type', file.contentType);
    res.setHeader('Content-Length', String(file.size));
    const ext = variant === 'file' ? 'png' : 'webp';
    res.setHeader('Content-Disposition', `inline; filename="${id}.${ext}"`);
    res.status(200);
    file.stream.on('error', () => res.destroy());
    file.stream.pipe(res);
  }
}
