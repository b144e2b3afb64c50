import { Controller, Get, Param, Query, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { Authenticated, type AuthPrincipal, OptionalUser } from '@pingvas/common';
import type { Request, Response } from 'express';
import { ImageFileParams, SignedFileQuery } from './image.dto';
import { ImageFileAccess } from './image-file-access';

/**
 * The bytes of an image and of its thumbnail: to the owner signed in, or to whoever holds a
 * signed URL that the owner had made (for `<img src>`). With the s3 driver the answer is a 302
 * to a short-lived presigned storage URL (the browser follows it; the redirect itself is never
 * cached, the bytes behind it are). On local disk the bytes come from here: they never change,
 * so they are cached privately, and revalidated by ETag.
 */
@ApiTags('images')
@Controller('images')
export class ImageFilesController {
  constructor(private readonly files: ImageFileAccess) {}

  @Get(':id/:variant')
  @Authenticated({ optional: true })
  @ApiProduces('image/png', 'image/webp')
  @ApiOperation({
    summary:
      'The PNG (file) or the 256 px WebP (thumbnail): signed in as the owner, or ?exp=&sig= from a signed URL; with S3 storage a 302 to a short-lived storage URL; ?download=1 answers it as an attachment',
  })
  async get(
    @OptionalUser() caller: AuthPrincipal | undefined,
    @Param() { id, variant }: ImageFileParams,
    @Query() query: SignedFileQuery,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    const file = await this.files.open(
      id,
      variant,
      {
        userId: caller?.userId,
        exp: query.exp,
        sig: query.sig,
      },
      { download: query.download === true },
    );
    res.setHeader('X-Content-Type-Options', 'nosniff');
    if (file.kind === 'redirect') {
      res.setHeader('Cache-Control', 'private, no-store');
      res.setHeader('Location', file.url);
      res.status(302).end();
      return;
    }
    const etag = `"${id}-${variant}"`;
    // Only a signature that verified vouches for its expiry (an owner may send any ?exp=).
    const signedUntil = query.sig !== undefined ? query.exp : undefined;
    const maxAge =
      signedUntil !== undefined ? Math.max(0, signedUntil - Math.floor(Date.now() / 1000)) : 3600;
    res.setHeader('Cache-Control', `private, max-age=${maxAge}, immutable`);
    res.setHeader('ETag', etag);
    if (req.headers['if-none-match'] === etag) {
      file.stream.destroy();
      res.status(304).end();
      return;
    }
    res.setHeader('Content-Type', file.contentType);
    res.setHeader('Content-Length', String(file.size));
    res.setHeader(
      'Content-Disposition',
      `${file.attachment ? 'attachment' : 'inline'}; filename="${file.filename}"`,
    );
    res.status(200);
    file.stream.on('error', () => res.destroy());
    file.stream.pipe(res);
  }
}
