import { Body, Controller, Get, Patch } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authenticated, type AuthPrincipal, CurrentUser } from '@pingvas/common';
import { MeDto, UpdateMeDto } from './user.dto';
import { UsersService } from './users.service';

@ApiTags('users')
@Controller('users')
@Authenticated()
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Get('me')
  @ApiOperation({ summary: 'The signed-in user' })
  me(@CurrentUser() caller: AuthPrincipal): Promise<MeDto> {
    return this.users.me(caller.userId);
  }

  @Patch('me')
  @ApiOperation({
    summary: 'Change the display name, the mail language, or the password (closes other sign-ins)',
  })
  update(@CurrentUser() caller: AuthPrincipal, @Body() body: UpdateMeDto): Promise<MeDto> {
    return this.users.updateMe(caller, body);
  }
}
