import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authenticated, type AuthPrincipal, CurrentUser, UuidParam } from '@pingvas/common';
import { RegisterModelDto, UpdateModelDto } from './model.dto';
import { type ModelView, ModelsService } from './models.service';

@ApiTags('models')
@Controller('models')
export class ModelsController {
  constructor(private readonly models: ModelsService) {}

  @Post()
  @Authenticated({ role: 'admin' })
  @ApiOperation({
    summary:
      'Register a model package (validated on the spot: status validated or failed, with reasons)',
  })
  register(@Body() body: RegisterModelDto): Promise<ModelView> {
    return this.models.register(body);
  }

  @Get()
  @Authenticated()
  @ApiOperation({ summary: 'Models you may use (admins: all models)' })
  list(@CurrentUser() caller: AuthPrincipal): Promise<ModelView[]> {
    return this.models.list(caller);
  }

  @Get(':id')
  @Authenticated()
  get(@CurrentUser() caller: AuthPrincipal, @Param() { id }: UuidParam): Promise<ModelView> {
    return this.models.get(caller, id);
  }

  @Patch(':id')
  @Authenticated({ role: 'admin' })
  @ApiOperation({ summary: 'Enable, disable, make default, change limits or cost (admin)' })
  update(@Param() { id }: UuidParam, @Body() body: UpdateModelDto): Promise<ModelView> {
    return this.models.update(id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  @Authenticated({ role: 'admin' })
  @ApiOperation({ summary: 'Remove a model (refused for the default model)' })
  async remove(@Param() { id }: UuidParam): Promise<void> {
    await this.models.remove(id);
  }
}
