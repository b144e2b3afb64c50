import { Type } from 'class-transformer';
import { IsInt, IsString, MaxLength, Min, ValidateNested } from 'class-validator';
import { AppError } from './app-error';
import { createValidationPipe } from './validation';

class Size {
  @IsInt()
  @Min(64)
  width!: number;
}

class Body {
  @IsString()
  @MaxLength(5)
  prompt!: string;

  @ValidateNested()
  @Type(() => Size)
  size!: Size;
}

describe('the global validation pipe', () => {
  const pipe = createValidationPipe();
  const validate = (value: unknown) => pipe.transform(value, { type: 'body', metatype: Body });

  it('returns an instance of the DTO for a valid body', async () => {
    const body = await validate({ prompt: 'cat', size: { width: 64 } });
    expect(body).toBeInstanceOf(Body);
  });

  it('refuses unknown fields, naming them', async () => {
    await expect(
      validate({ prompt: 'cat', size: { width: 64 }, admin: true }),
    ).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      details: [{ field: 'admin', problems: ['property admin should not exist'] }],
    });
  });

  it('reports every nested problem with its path', async () => {
    let error: AppError | undefined;
    try {
      await validate({ prompt: 'a long prompt', size: { width: 'wide' } });
    } catch (err) {
      error = err as AppError;
    }
    expect(error).toBeInstanceOf(AppError);
    expect((error?.details as { field: string }[]).map((d) => d.field).sort()).toEqual([
      'prompt',
      'size.width',
    ]);
  });
});
