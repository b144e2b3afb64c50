import { Body, Controller, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import {
  Authenticated,
  type AuthPrincipal,
  CurrentUser,
  IdempotencyKey,
  UuidParam,
} from '@pingvas/common';
import { RateLimit } from '@pingvas/messaging';
import type { Response } from 'express';
import { GenerationCancel } from './finish/generation-cancel';
import { GenerationStream } from './live/generation-stream';
import { GenerationViews } from './reads/generation-views';
import { ListGenerationsDto } from './reads/list-generations.dto';
import { QueueInfo } from './reads/queue-info';
import { CreateGenerationDto } from './submit/generation.dto';
import { GenerationsService } from './submit/generations.service';

@ApiTags('generations')
@Controller()
@Authenticated()
export class GenerationsController {
  constructor(
    private readonly generations: GenerationsService,
    private readonly cancels: GenerationCancel,
    private readonly views: GenerationViews,
    private readonly stream: GenerationStream,
    private readonly queueInfo: QueueInfo,
  ) {}

  @Post('generations')
  @HttpCode(202)
  @RateLimit('user')
  @ApiOperation({ summary: 'Submit a prompt: credits are held and the job queued for your tier' })
  submit(
    @CurrentUser() caller: AuthPrincipal,
    @Body() body: CreateGenerationDto,
    @IdempotencyKey({
      required: false,
      description: 'The same key and body within 24 h answer the same generation, charged once',
    })
    key: string | undefined,
  ) {
    return this.generations.submit(caller.userId, body, key);
  }

  @Get('generations')
  @ApiOperation({ summary: 'Your generations, newest first (cursor pagination, status filter)' })
  list(@CurrentUser() caller: AuthPrincipal, @Query() query: ListGenerationsDto) {
    return this.views.list(caller.userId, query);
  }

  @Get('generations/:id')
  @ApiOperation({ summary: 'One of your generations: status, progress, timings, images' })
  get(@CurrentUser() caller: AuthPrincipal, @Param() { id }: UuidParam) {
    return this.views.get(caller.userId, id);
  }

  @Post('generations/:id/cancel')
  @HttpCode(202)
  @ApiOperation({
    summary: 'Cancel: a queued job at once (credits back), a running one at its next step',
  })
  cancel(@CurrentUser() caller: AuthPrincipal, @Param() { id }: UuidParam) {
    return this.cancels.cancel(caller.userId, id);
  }

  @Get('generations/:id/events')
  @ApiProduces('text/event-stream')
  @ApiOperation({
    summary:
      'Server-Sent Events: the current state first, then queued/started/progress and one final event',
  })
  async events(
    @CurrentUser() caller: AuthPrincipal,
    @Param() { id }: UuidParam,
    @Res() res: Response,
  ): Promise<void> {
    await this.stream.open(caller.userId, id, res);
  }

  @Get('queue')
  @ApiOperation({
    summary: 'Waiting and running jobs per tier, your jobs in flight and an estimated wait',
  })
  queue(@CurrentUser() caller: AuthPrincipal) {
    return this.queueInfo.forUser(caller.userId);
  }
}
