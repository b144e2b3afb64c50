import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Optional } from '@pingvas/common';
import { IsIn, IsString, MaxLength, MinLength } from 'class-validator';
import { LOCALES, type Locale } from '@pingvas/contracts';
import type { User } from './users.repository';

export class UserDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() email!: string;
  @ApiProperty({ nullable: true, type: String }) displayName!: string | null;
  @ApiProperty({ enum: ['user', 'admin'] }) role!: 'user' | 'admin';
  @ApiProperty({ description: 'Whether the address was proven by the mailed link' })
  emailVerified!: boolean;
  @ApiProperty({ enum: LOCALES, description: 'The language of our mail' }) locale!: Locale;
  @ApiProperty() createdAt!: string;

  static of(user: User): UserDto {
    return {
      id: user.id,
      email: user.email,
      displayName: user.displayName,
      role: user.role,
      emailVerified: user.emailVerifiedAt !== null,
      locale: user.locale,
      createdAt: user.createdAt.toISOString(),
    };
  }
}

/** GET users/me: the user, and an address change waiting for its mailed link. */
export class MeDto extends UserDto {
  @ApiProperty({
    nullable: true,
    type: String,
    description: 'The address asked for (PATCH users/me/email) until its link is followed',
  })
  pendingEmail!: string | null;
}

export class UpdateMeDto {
  @ApiPropertyOptional({ maxLength: 100, nullable: true, description: 'null or blank: none' })
  @Optional({ nullable: true })
  @IsString()
  @MaxLength(100)
  displayName?: string | null;

  @ApiPropertyOptional({ enum: LOCALES, description: 'The language of our mail' })
  @Optional()
  @IsIn(LOCALES)
  locale?: Locale;

  @ApiPropertyOptional({ description: 'Required to change the password' })
  @Optional()
  @IsString()
  @MinLength(1)
  @MaxLength(256)
  currentPassword?: string;

  @ApiPropertyOptional({ minLength: 10, maxLength: 256 })
  @Optional()
  @IsString()
  newPassword?: string;
}
