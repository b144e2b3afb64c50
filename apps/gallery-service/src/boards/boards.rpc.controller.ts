import { Controller } from '@nestjs/common';
import { MessagePattern } from '@nestjs/microservices';
import { type BoardOwnedResponse, RpcPatterns } from '@pingvas/contracts';
import { RpcPayload } from '@pingvas/messaging';
import { IsUUID } from 'class-validator';
import { BoardsService } from './boards.service';

class BoardOwnedDto {
  @IsUUID()
  boardId!: string;

  @IsUUID()
  ownerId!: string;
}

@Controller()
export class BoardsRpcController {
  constructor(private readonly boards: BoardsService) {}

  @MessagePattern(RpcPatterns.gallery.boardsOwned)
  async owned(@RpcPayload() request: BoardOwnedDto): Promise<BoardOwnedResponse> {
    return { owned: await this.boards.isOwned(request.ownerId, request.boardId) };
  }
}
