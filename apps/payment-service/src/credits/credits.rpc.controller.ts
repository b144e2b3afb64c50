import { Controller } from '@nestjs/common';
import { MessagePattern } from '@nestjs/microservices';
import { RpcPatterns } from '@pingvas/contracts';
import { RpcPayload } from '@pingvas/messaging';
import { IsInt, IsOptional, IsString, IsUUID, Max, MaxLength, Min } from 'class-validator';
import { PlansService } from '../plans/plans.service';
import { CreditLedger } from './credit-ledger';

class ReserveDto {
  @IsUUID()
  reservationId!: string;

  @IsUUID()
  userId!: string;

  @IsInt()
  @Min(1)
  @Max(10_000_000)
  amount!: number;

  @IsString()
  @MaxLength(200)
  reason!: string;

  /** A queued job may wait longer than the default hold; a week at most. */
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(7 * 24 * 60)
  holdMinutes?: number;
}

class SettleDto {
  @IsUUID()
  reservationId!: string;
}

class ForUserDto {
  @IsUUID()
  userId!: string;
}

/** Commands are idempotent by key: every replica may receive each one (DESIGN §9). */
@Controller()
export class CreditsRpcController {
  constructor(
    private readonly ledger: CreditLedger,
    private readonly plans: PlansService,
  ) {}

  @MessagePattern(RpcPatterns.payment.creditsReserve)
  reserve(@RpcPayload() request: ReserveDto) {
    return this.ledger.reserve(request);
  }

  @MessagePattern(RpcPatterns.payment.creditsCapture)
  capture(@RpcPayload() request: SettleDto) {
    return this.ledger.capture(request.reservationId);
  }

  @MessagePattern(RpcPatterns.payment.creditsRelease)
  release(@RpcPayload() request: SettleDto) {
    return this.ledger.release(request.reservationId);
  }

  @MessagePattern(RpcPatterns.payment.plansForUser)
  forUser(@RpcPayload() request: ForUserDto) {
    return this.plans.forUser(request.userId);
  }

  @MessagePattern(RpcPatterns.payment.plansQueueWeights)
  queueWeights() {
    return this.plans.queueWeights();
  }
}
