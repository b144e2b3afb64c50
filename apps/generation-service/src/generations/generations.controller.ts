import { Body, Controller, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { Authenticated, type AuthPrincipal, CurrentUser, IdempotencyKey } from '@pingvas/common';
import { RateLimit } from '@pingvas/messaging';
import type { Response } from 'express';
import { CreateGenerationDto, GenerationIdParam, ListGenerationsDto } from './generation.dto';
import { GenerationStream } from './generation-stream';
import { GenerationViews } from './generation-views';
import { GenerationsService } from './generations.service';
import { QueueInfo } from './queue-info';

@ApiTags('generations')
@Controller()
@Authenticated()
export class GenerationsController {
  constructor(
    private readonly generations: GenerationsService,
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
  get(@CurrentUser() caller: AuthPrincipal, @Param() params: GenerationIdParam) {
    return this.views.get(caller.userId, params.id);
  }

  @Post('generations/:id/cancel')
  @HttpCode(202)
  @ApiOperation({
    summary: 'Cancel: a queued job at once (credits back), a running one at its next step',
  })
  cancel(@CurrentUser() caller: AuthPrincipal, @Param() params: GenerationIdParam) {
    return this.generations.cancel(caller.userId, params.id);
  }

  @Get('generations/:id/events')
  @ApiProduces('text/event-stream')
  @ApiOperation({
    summary:
      'Server-Sent Events: the current state first, then queued/started/progress and one final event',
  })
  async events(
    @CurrentUser() caller: AuthPrincipal,
    @Param() params: GenerationIdParam,
    @Res() res: Response,
  ): Promise<void> {
    await this.stream.open(caller.userId, params.id, res);
  }

  @Get('queue')
  @ApiOperation({
    summary: 'Waiting and running jobs per tier, your jobs in flight and an estimated wait',
  })
  queue(@CurrentUser() caller: AuthPrincipal) {
    return this.queueInfo.forUser(caller.userId);
  }
}
