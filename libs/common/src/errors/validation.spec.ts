import { Type } from 'class-transformer';
import { IsInt, IsString, MaxLength, Min, ValidateNested } from 'class-validator';
import { AppError } from './app-error';
import { createValidationPipe, Nested, Optional } from './validation';

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

describe('the global validation pipe and text PostgreSQL cannot store', () => {
  const pipe = createValidationPipe();

  it('refuses a NUL in a body before the DTO rules, naming only that field', async () => {
    await expect(
      pipe.transform({ prompt: 'a\u0000', size: { width: 64 } }, { type: 'body', metatype: Body }),
    ).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      details: [{ field: 'prompt', problems: [expect.stringContaining('NUL')] }],
    });
  });

  it('names a route or query parameter by its name', async () => {
    await expect(
      pipe.transform('x\u0000', { type: 'param', data: 'id', metatype: String }),
    ).rejects.toMatchObject({ details: [{ field: 'id' }] });
  });
});

class Limits {
  @IsInt()
  max!: number;
}

class Form {
  @Optional()
  @IsString()
  password?: string;

  @Optional({ nullable: true })
  @IsString()
  board?: string | null;

  @Nested(() => Limits)
  limits!: Limits;
}

describe('Optional and Nested', () => {
  const pipe = createValidationPipe();
  const fields = async (value: unknown) => {
    try {
      await pipe.transform(value, { type: 'body', metatype: Form });
      return [];
    } catch (err) {
      return ((err as AppError).details as { field: string }[]).map((d) => d.field);
    }
  };

  it('lets an Optional field be left out, but not be null', async () => {
    expect(await fields({ limits: { max: 1 } })).toEqual([]);
    expect(await fields({ password: null, limits: { max: 1 } })).toEqual(['password']);
  });

  it('lets a nullable Optional field be null', async () => {
    expect(await fields({ board: null, limits: { max: 1 } })).toEqual([]);
  });

  it('requires a Nested object, refusing it missing, null or as an array', async () => {
    expect(await fields({})).toEqual(['limits']);
    expect(await fields({ limits: null })).toEqual(['limits']);
    expect(await fields({ limits: [{ max: 1 }] })).toEqual(['limits']);
    expect(await fields({ limits: { max: 'x' } })).toEqual(['limits.max']);
  });
});
