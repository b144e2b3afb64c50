import { Controller, Headers, HttpCode, Post, Req } from '@nestjs/common';
import { ApiOperation, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import type { Request } from 'express';
import { WebhooksService } from './webhooks.service';

@ApiTags('billing')
@Controller('webhooks')
export class WebhooksController {
  constructor(private readonly webhooks: WebhooksService) {}

  /** The body arrives raw (see RAW_BODY_PATH): it is verified before it is parsed. */
  @Post('lemonsqueezy')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Lemon Squeezy events (signed with X-Signature, HMAC-SHA256 of the body)',
  })
  @ApiUnauthorizedResponse({ description: 'BAD_SIGNATURE: nothing is stored' })
  receive(@Req() req: Request, @Headers('x-signature') signature?: string) {
    const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    return this.webhooks.receive(raw, signature);
  }
}
