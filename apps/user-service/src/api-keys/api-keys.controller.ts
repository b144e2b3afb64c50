import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import {
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOperation,
  ApiProperty,
  ApiTags,
} from '@nestjs/swagger';
import {
  AppError,
  Authenticated,
  type AuthPrincipal,
  CurrentUser,
  UuidParam,
} from '@pingvas/common';
import { IsString, Matches, MaxLength } from 'class-validator';
import { type ApiKeyView, ApiKeysService } from './api-keys.service';

class CreateApiKeyDto {
  @ApiProperty({ maxLength: 100, example: 'render farm script' })
  @IsString()
  @Matches(/\S/, { message: 'name must not be blank' })
  @MaxLength(100)
  name!: string;
}

/** Keys can only be managed with a signed-in session: a leaked key cannot mint more keys. */
function assertSession(caller: AuthPrincipal): void {
  if (caller.via !== 'access_token')
    throw new AppError('FORBIDDEN', 'Manage API keys from a signed-in session');
}

@ApiTags('api-keys')
@Controller('api-keys')
@Authenticated()
export class ApiKeysController {
  constructor(private readonly keys: ApiKeysService) {}

  @Post()
  @ApiOperation({ summary: 'Create an API key; its secret is shown in this answer only' })
  @ApiForbiddenResponse({
    description: 'EMAIL_NOT_VERIFIED, or FORBIDDEN when called with an API key',
  })
  create(
    @CurrentUser() caller: AuthPrincipal,
    @Body() body: CreateApiKeyDto,
  ): Promise<ApiKeyView & { secret: string }> {
    assertSession(caller);
    return this.keys.create(caller.userId, body.name);
  }

  @Get()
  @ApiOperation({ summary: 'Your active API keys (no secrets)' })
  list(@CurrentUser() caller: AuthPrincipal): Promise<ApiKeyView[]> {
    return this.keys.list(caller.userId);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({
    summary: 'Revoke an API key (other services notice within the cache time, 60 s)',
  })
  @ApiNotFoundResponse({ description: 'NOT_FOUND: no such key of yours' })
  async revoke(@CurrentUser() caller: AuthPrincipal, @Param() { id }: UuidParam): Promise<void> {
    assertSession(caller);
    await this.keys.revoke(caller.userId, id);
  }
}
