import { ImageFiltersDto } from '../images/image.dto';
import { TypedText } from '../validation';

export class SearchImagesDto extends ImageFiltersDto {
  @TypedText('q', 200, 'Words, or initial consonants (ㄱㅇㅇ)')
  q!: string;
}

export class SuggestDto {
  @TypedText('q', 100, 'The start of a prompt')
  q!: string;
}
