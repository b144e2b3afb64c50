import { Controller, Get, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authenticated, type AuthPrincipal, CurrentUser } from '@pingvas/common';
import { SearchImagesDto, SuggestDto } from './search.dto';
import { SearchService } from './search.service';

@ApiTags('search')
@Controller('search')
@Authenticated()
export class SearchController {
  constructor(private readonly search: SearchService) {}

  @Get('images')
  @ApiOperation({
    summary: 'Your images matching q (Korean words, compounds, 초성), most relevant then newest',
  })
  images(@CurrentUser() caller: AuthPrincipal, @Query() query: SearchImagesDto) {
    return this.search.images(caller.userId, query);
  }

  @Get('suggest')
  @ApiOperation({ summary: 'Up to 10 of your prompts that complete q' })
  suggest(@CurrentUser() caller: AuthPrincipal, @Query() query: SuggestDto) {
    return this.search.suggest(caller.userId, query.q);
  }
}
