import { AsyncLocalStorage } from 'node:async_hooks';

export interface RequestContext {
  requestId: string;
  /** The RPC pattern being served, when the context is an RPC handler's. */
  rpc?: string;
}

/** Follows one user action through HTTP handlers, RPC calls and queue jobs (DESIGN §9). */
export const requestContext = new AsyncLocalStorage<RequestContext>();

export function currentRequestId(): string | undefined {
  return requestContext.getStore()?.requestId;
}
