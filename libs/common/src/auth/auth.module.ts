import {
  type DynamicModule,
  Global,
  Module,
  type ModuleMetadata,
  type Provider,
  type Type,
} from '@nestjs/common';
import { AccessTokenVerifier } from './access-token.verifier';
import { AuthGuard } from './auth.guard';
import { JwksKeys } from './jwks.keys';
import { ApiKeyVerifier, VerificationKeys } from './ports';

export interface AuthModuleOptions {
  /** How API keys are checked: over RPC in most services, in the database in user-service. */
  apiKeys: Type<ApiKeyVerifier>;
  /** Where verification keys come from; the published JWKS unless given. */
  keys?: Type<VerificationKeys>;
  /**
   * Modules that already provide `apiKeys` and `keys` (user-service's own); when given, the
   * guard uses those instances instead of making its own.
   */
  imports?: ModuleMetadata['imports'];
}

/** Wires the shared guard for a service (DESIGN §4). */
@Global()
@Module({})
export class AuthModule {
  static forRoot(options: AuthModuleOptions): DynamicModule {
    const bind = (token: abstract new () => unknown, impl: Type<unknown>): Provider =>
      options.imports ? { provide: token, useExisting: impl } : { provide: token, useClass: impl };
    return {
      module: AuthModule,
      imports: options.imports ?? [],
      providers: [
        bind(VerificationKeys, options.keys ?? JwksKeys),
        bind(ApiKeyVerifier, options.apiKeys),
        AccessTokenVerifier,
        AuthGuard,
      ],
      exports: [VerificationKeys, ApiKeyVerifier, AccessTokenVerifier, AuthGuard],
    };
  }
}
