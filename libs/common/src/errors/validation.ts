import {
  applyDecorators,
  type ArgumentMetadata,
  ValidationPipe,
  type ValidationError,
} from '@nestjs/common';
import { Type } from 'class-transformer';
import { IsDefined, IsObject, IsOptional, ValidateIf, ValidateNested } from 'class-validator';
import { unstorableTextFields } from '../http/input-limits';
import { AppError } from './app-error';

export interface FieldProblem {
  field: string;
  problems: string[];
}

/** Flattens class-validator's tree into one entry per offending field path. */
export function flattenValidationErrors(errors: ValidationError[], parent = ''): FieldProblem[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const own = error.constraints ? [{ field, problems: Object.values(error.constraints) }] : [];
    return [...own, ...flattenValidationErrors(error.children ?? [], field)];
  });
}

/**
 * Every body, query, route parameter and RPC payload passes here before its handler: text that
 * PostgreSQL cannot store is refused for every service at once, not DTO by DTO, and before the
 * DTO's own rules (a NUL inside an otherwise valid string passes them all).
 */
class PlatformValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    const fields = unstorableTextFields(value, metadata.data ?? '');
    if (fields.length > 0) {
      throw new AppError(
        'VALIDATION_FAILED',
        'The request is not valid',
        fields.map((field) => ({
          field,
          problems: [`${field || 'value'} must not contain NUL characters or unpaired surrogates`],
        })),
      );
    }
    return super.transform(value, metadata);
  }
}

/** The global pipe: unknown fields are refused, known ones are converted to their declared types. */
export function createValidationPipe(): ValidationPipe {
  return new PlatformValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    validateCustomDecorators: true,
    stopAtFirstError: false,
    exceptionFactory: (errors) =>
      new AppError(
        'VALIDATION_FAILED',
        'The request is not valid',
        flattenValidationErrors(errors),
      ),
  });
}

/**
 * A field that may be left out: absent skips its other rules. Unlike class-validator's
 * IsOptional, null does not, unless `nullable` says null means something (e.g. "no board"):
 * a handler that checks `!== undefined` must never be handed a null.
 */
export function Optional({ nullable = false }: { nullable?: boolean } = {}): PropertyDecorator {
  return nullable
    ? IsOptional()
    : ValidateIf((_object: object, value: unknown) => value !== undefined);
}

/**
 * A nested object validated by its class's rules. ValidateNested alone passes a missing value
 * (and nests into arrays), so the object is required here; put Optional() before it to allow
 * leaving it out.
 */
export function Nested(type: () => new () => object): PropertyDecorator {
  return applyDecorators(IsDefined(), IsObject(), ValidateNested(), Type(type));
}
