import type { Role } from './principal';

/** Metadata key of @Authenticated's options, read by AuthGuard (a file of its own: no cycle). */
export const AUTH_OPTIONS = 'pingvas:auth';

export interface AuthenticatedOptions {
  role?: Role;
  /** No Authorization header lets the request through with no caller (a route that has another proof, e.g. a signed URL); a bad one is still 401. */
  optional?: boolean;
}
