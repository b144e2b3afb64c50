import { Controller } from '@nestjs/common';
import { MessagePattern } from '@nestjs/microservices';
import { type ApiKeyVerifyResponse, RpcPatterns } from '@pingvas/contracts';
import { RpcPayload } from '@pingvas/messaging';
import { IsString, MaxLength } from 'class-validator';
import { ApiKeysService } from './api-keys.service';

class ApiKeyVerifyDto {
  @IsString()
  @MaxLength(256)
  secret!: string;
}

@Controller()
export class ApiKeysRpcController {
  constructor(private readonly keys: ApiKeysService) {}

  @MessagePattern(RpcPatterns.user.apiKeysVerify)
  async verify(@RpcPayload() request: ApiKeyVerifyDto): Promise<ApiKeyVerifyResponse> {
    const principal = await this.keys.verify(request.secret);
    return principal
      ? {
          valid: true,
          userId: principal.userId,
          role: principal.role,
          keyId: principal.credentialId,
        }
      : { valid: false };
  }
}
