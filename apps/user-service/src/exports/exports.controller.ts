import { Controller, Get, Param, Query, Res } from '@nestjs/common';
import {
  ApiNotFoundResponse,
  ApiOperation,
  ApiProduces,
  ApiPropertyOptional,
  ApiTags,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { Allow } from 'class-validator';
import { ExportsService } from './exports.service';

/**
 * Checked by the service, not here: a malformed value (repeated, too long) is a wrong link,
 * answered 404 EXPORT_NOT_FOUND like any other.
 */
export class ExportLinkQuery {
  @ApiPropertyOptional({ type: String, description: 'Expiry of the link (Unix seconds)' })
  @Allow()
  expires?: unknown;

  @ApiPropertyOptional({ type: String, description: 'HMAC-SHA256 of the link, hex' })
  @Allow()
  sig?: unknown;
}

/** The mailed export link: no sign-in, the signature is the proof. */
@ApiTags('exports')
@Controller('exports')
export class ExportsController {
  constructor(private readonly exports: ExportsService) {}

  @Get(':id')
  @ApiProduces('application/zip')
  @ApiOperation({ summary: 'The zip of a data export, from the signed link that was mailed' })
  @ApiNotFoundResponse({
    description: 'EXPORT_NOT_FOUND: a wrong or expired link, or a gone export',
  })
  async download(
    // Not UuidParam: a mailed link that is wrong in any part, its id too, is 404 EXPORT_NOT_FOUND.
    @Param('id') id: string,
    @Query() query: ExportLinkQuery,
    @Res() res: Response,
  ): Promise<void> {
    const text = (v: unknown) => (typeof v === 'string' ? v : undefined);
    const file = await this.exports.open(id, text(query.expires), text(query.sig));
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Cache-Control', 'private, no-store');
    res.setHeader('Content-Type', 'application/zip');
    res.setHeader('Content-Length', String(file.size));
    res.setHeader('Content-Disposition', `attachment; filename="${file.filename}"`);
    res.status(200);
    file.stream.on('error', () => res.destroy());
    file.stream.pipe(res);
  }
}
