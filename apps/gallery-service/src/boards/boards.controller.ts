import { Body, Controller, Delete, Get, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authenticated, type AuthPrincipal, CurrentUser, UuidParam } from '@pingvas/common';
import { BoardNameDto, DeleteBoardQuery } from './board.dto';
import { BoardsService } from './boards.service';

@ApiTags('boards')
@Controller('boards')
@Authenticated()
export class BoardsController {
  constructor(private readonly boards: BoardsService) {}

  @Get()
  @ApiOperation({ summary: 'Your boards with their image counts and cover images' })
  list(@CurrentUser() caller: AuthPrincipal) {
    return this.boards.list(caller.userId);
  }

  @Post()
  @ApiOperation({ summary: 'Make a board (names are unique per user, ignoring case)' })
  create(@CurrentUser() caller: AuthPrincipal, @Body() body: BoardNameDto) {
    return this.boards.create(caller.userId, body.name);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One of your boards' })
  get(@CurrentUser() caller: AuthPrincipal, @Param() params: UuidParam) {
    return this.boards.get(caller.userId, params.id);
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Rename a board' })
  rename(
    @CurrentUser() caller: AuthPrincipal,
    @Param() params: UuidParam,
    @Body() body: BoardNameDto,
  ) {
    return this.boards.rename(caller.userId, params.id, body.name);
  }

  @Delete(':id')
  @ApiOperation({ summary: 'Delete a board; ?includeImages=true deletes its images too' })
  remove(
    @CurrentUser() caller: AuthPrincipal,
    @Param() params: UuidParam,
    @Query() query: DeleteBoardQuery,
  ) {
    return this.boards.delete(caller.userId, params.id, query.includeImages ?? false);
  }
}
