/**
 * Plans and models change rarely, so generation-service keeps what it asked for (a user's plan,
 * a resolved model) and drops it when the owner announces a change on this broadcast channel
 * (Redis pub/sub under the RPC namespace: every replica must hear it, and a lost message costs
 * no more than the cache's own lifetime). Announced after the change has committed.
 */
export const catalogueChangesChannel = (namespace: string) => `${namespace}:catalogue-changed`;

export type CatalogueChange =
  /** One user's plan changed (a subscription event); without userId, plans themselves did. */
  | { kind: 'plan'; userId?: string }
  /** A model was registered, updated, enabled or disabled, made default or removed. */
  | { kind: 'model' };
