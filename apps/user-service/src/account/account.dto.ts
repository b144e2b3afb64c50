import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsEmail, IsString, MaxLength, MinLength } from 'class-validator';

/** Emails are compared trimmed and lower-cased everywhere; validated in that form too. */
const NormaliseEmail = () =>
  Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' ? value.trim().toLowerCase() : value,
  );

export class MailedTokenDto {
  @ApiProperty({ description: 'The token of the mailed link (?token=)', maxLength: 128 })
  @IsString()
  @MinLength(1)
  @MaxLength(128)
  token!: string;
}

export class VerifiedEmailDto {
  @ApiProperty({ enum: [true] }) emailVerified!: true;
  @ApiProperty({ description: 'The address now proven (the new one after a change)' })
  email!: string;
}

export class ForgotPasswordDto {
  @ApiProperty({ example: 'ada@example.com', maxLength: 320 })
  @NormaliseEmail()
  @IsString()
  @MaxLength(320)
  @IsEmail()
  email!: string;
}

export class ResetPasswordDto extends MailedTokenDto {
  @ApiProperty({
    minLength: 10,
    maxLength: 256,
    description: 'The new password; WEAK_PASSWORD outside these lengths',
  })
  @IsString()
  password!: string;
}

export class ChangeEmailDto {
  @ApiProperty({ example: 'ada@example.org', maxLength: 320 })
  @NormaliseEmail()
  @IsString()
  @MaxLength(320)
  @IsEmail()
  email!: string;

  @ApiProperty({ description: 'The current password', maxLength: 256 })
  @IsString()
  @MinLength(1)
  @MaxLength(256)
  password!: string;
}

export class PendingEmailDto {
  @ApiProperty({ description: 'Changes to this once the link mailed to it is followed' })
  pendingEmail!: string;
}

export class DeleteAccountDto {
  @ApiProperty({ description: 'The current password', maxLength: 256 })
  @IsString()
  @MinLength(1)
  @MaxLength(256)
  password!: string;
}

export class ExportRequestedDto {
  @ApiProperty({ format: 'uuid' }) exportId!: string;
}
