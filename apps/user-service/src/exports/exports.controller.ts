import { Controller, Get, Param, Query, Res } from '@nestjs/common';
import {
  ApiNotFoundResponse,
  ApiOperation,
  ApiProduces,
  ApiPropertyOptional,
  ApiTags,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import { ExportsService } from './exports.service';

/** Checked by the service: a malformed value is a wrong link, answered 404 like any other. */
export class ExportLinkQuery {
  @ApiPropertyOptional({ description: 'Expiry of the link (Unix seconds)' })
  @IsOptional()
  @IsString()
  @MaxLength(20)
  expires?: string;

  @ApiPropertyOptional({ description: 'HMAC-SHA256 of the link, hex' })
  @IsOptional()
  @IsString()
  @MaxLength(128)
  sig?: string;
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
    @Param('id') id: string,
    @Query() query: ExportLinkQuery,
    @Res() res: Response,
  ): Promise<void> {
    const file = await this.exports.open(id, query.expires, query.sig);
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
