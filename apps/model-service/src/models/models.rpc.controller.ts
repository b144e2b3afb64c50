import { Controller } from '@nestjs/common';
import { MessagePattern } from '@nestjs/microservices';
import { RpcPatterns, TIERS, type Tier } from '@pingvas/contracts';
import { RpcPayload } from '@pingvas/messaging';
import { IsIn, IsOptional, IsString, IsUUID, MaxLength, MinLength } from 'class-validator';
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

class PackageDto {
  @IsUUID()
  modelId!: string;
}

@Controller()
export class ModelsRpcController {
  constructor(private readonly models: ModelsService) {}

  @MessagePattern(RpcPatterns.model.modelsResolve)
  resolve(@RpcPayload() request: ResolveDto) {
    return this.models.resolve(request);
  }

  @MessagePattern(RpcPatterns.model.packagesGet)
  packageOf(@RpcPayload() request: PackageDto) {
    return this.models.packageOf(request.modelId);
  }
}
