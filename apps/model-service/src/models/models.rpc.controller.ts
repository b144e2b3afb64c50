import { Controller } from '@nestjs/common';
import { MessagePattern } from '@nestjs/microservices';
import { RpcPatterns, TIERS, type Tier } from '@pingvas/contracts';
import { RpcPayload } from '@pingvas/messaging';
import { IsIn, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import { ModelsService } from './models.service';

class ResolveDto {
  /** An id or a name. */
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  modelId?: string;

  @IsIn(TIERS)
  tier!: Tier;
}

@Controller()
export class ModelsRpcController {
  constructor(private readonly models: ModelsService) {}

  @MessagePattern(RpcPatterns.model.modelsResolve)
  resolve(@RpcPayload() request: ResolveDto) {
    return this.models.resolve(request);
  }
}
