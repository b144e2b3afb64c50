import { Controller, Get, Header } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { KeyRing } from './key-ring';

@ApiTags('auth')
@Controller('.well-known')
export class JwksController {
  constructor(private readonly keys: KeyRing) {}

  @Get('jwks.json')
  @Header('Cache-Control', 'public, max-age=300')
  @ApiOperation({ summary: 'Public keys that verify access tokens (other services fetch these)' })
  jwks() {
    return this.keys.jwks();
  }
}
