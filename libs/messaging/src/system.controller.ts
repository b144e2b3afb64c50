import { Controller, type Type } from '@nestjs/common';
import { MessagePattern } from '@nestjs/microservices';
import {
  type PingRequest,
  type PingResponse,
  SERVICES,
  type ServiceKey,
  systemPingPattern,
} from '@pingvas/contracts';
import { randomUUID } from 'node:crypto';
import { RpcPayload } from './rpc-server';

/** `<service>.system.ping`: answers who is listening, so callers and probes can check the wiring. */
export function createSystemController(service: ServiceKey): Type<unknown> {
  const instanceId = randomUUID();

  @Controller()
  class SystemController {
    @MessagePattern(systemPingPattern(service))
    ping(@RpcPayload() request: PingRequest): PingResponse {
      return {
        service: SERVICES[service].name,
        instanceId,
        ...(typeof request?.echo === 'string' ? { echo: request.echo } : {}),
        time: new Date().toISOString(),
      };
    }
  }
  return SystemController;
}
