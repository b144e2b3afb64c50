import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { DEFAULT_LOCALE, LOCALES, type Locale } from '@pingvas/contracts';
import { IsEmail, IsIn, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';

/** Emails are compared trimmed and lower-cased everywhere; validated in that form too. */
const NormaliseEmail = () =>
  Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' ? value.trim().toLowerCase() : value,
  );
import { UserDto } from '../users/user.dto';

export class SignupDto {
  @ApiProperty({ example: 'ada@example.com', maxLength: 320 })
  @NormaliseEmail()
  @IsString()
  @MaxLength(320)
  @IsEmail()
  email!: string;

  @ApiProperty({
    minLength: 10,
    maxLength: 256,
    description: 'WEAK_PASSWORD outside these lengths',
  })
  @IsString()
  password!: string;

  @ApiPropertyOptional({ maxLength: 100 })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  displayName?: string;

  @ApiPropertyOptional({
    enum: LOCALES,
    default: DEFAULT_LOCALE,
    description: 'Language of our mail',
  })
  @IsOptional()
  @IsIn(LOCALES)
  locale?: Locale;
}

export class LoginDto {
  @ApiProperty({ maxLength: 320 })
  @NormaliseEmail()
  @IsString()
  @MaxLength(320)
  email!: string;

  @ApiProperty({ maxLength: 256 })
  @IsString()
  @MinLength(1)
  @MaxLength(256)
  password!: string;
}

export class RefreshDto {
  @ApiPropertyOptional({
    description:
      'Required from API clients; browser clients (X-Pingvas-Client: web) send the cookie instead',
  })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(128)
  refreshToken?: string;
}

export class WebSessionDto {
  @ApiProperty() user!: UserDto;
  @ApiProperty({ description: 'JWT (EdDSA), sent as Authorization: Bearer' }) accessToken!: string;
  @ApiProperty({ description: 'Seconds until the access token expires' }) expiresIn!: number;
}

export class SessionDto extends WebSessionDto {
  @ApiProperty({
    description:
      'Opaque; rotated on every refresh. Browser clients get it as the pingvas_refresh cookie instead',
  })
  refreshToken!: string;
}
