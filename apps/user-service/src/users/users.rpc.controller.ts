import { Controller } from '@nestjs/common';
import { MessagePattern } from '@nestjs/microservices';
import { RpcPatterns, type UserProfile } from '@pingvas/contracts';
import { RpcPayload } from '@pingvas/messaging';
import { IsUUID } from 'class-validator';
import { UsersService } from './users.service';

class UserGetDto {
  @IsUUID()
  id!: string;
}

@Controller()
export class UsersRpcController {
  constructor(private readonly users: UsersService) {}

  @MessagePattern(RpcPatterns.user.usersGet)
  get(@RpcPayload() request: UserGetDto): Promise<UserProfile> {
    return this.users.profile(request.id);
  }
}
