/**
 * Shapes of request input the platform refuses before any handler sees them. Both walks are
 * iterative: the input they guard against is exactly what would overflow a recursive one.
 */

/** Deeper than any DTO needs (they nest two levels), far below what overflows a recursive walk. */
export const MAX_JSON_DEPTH = 32;

/** Whether a parsed JSON value nests objects and arrays more than `max` levels deep. */
export function nestsDeeperThan(value: unknown, max: number): boolean {
  const pending: [unknown, number][] = [[value, 1]];
  while (pending.length > 0) {
    const [node, depth] = pending.pop()!;
    if (typeof node !== 'object' || node === null) continue;
    if (depth > max) return true;
    for (const child of Object.values(node)) pending.push([child, depth + 1]);
  }
  return false;
}

/**
 * NUL, and UTF-16 surrogates without their pair: PostgreSQL text and jsonb cannot hold either
 * (the first fails the query, the second is silently replaced on the way to UTF-8).
 */
// eslint-disable-next-line no-control-regex -- finding NUL is the point
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Walks no more nodes than this (a 1 MB body has fewer); beyond it the rest is left unread. */
const MAX_NODES = 1_000_000;
const MAX_REPORTED = 10;

function isPlainContainer(value: unknown): value is Record<string, unknown> | unknown[] {
  if (typeof value !== 'object' || value === null) return false;
  if (Array.isArray(value)) return true;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * The paths (`a.b.0`) of every string, object key included, that PostgreSQL could not store;
 * `root` names the value itself (a route or query parameter), empty for a whole body.
 */
export function unstorableTextFields(value: unknown, root = ''): string[] {
  const found: string[] = [];
  const pending: [unknown, string][] = [[value, root]];
  const seen = new Set<object>();
  for (let visited = 0; pending.length > 0 && visited < MAX_NODES; visited += 1) {
    const [node, path] = pending.pop()!;
    if (typeof node === 'string') {
      if (UNSTORABLE.test(node)) found.push(path);
    } else if (isPlainContainer(node) && !seen.has(node)) {
      seen.add(node);
      for (const [key, child] of Object.entries(node)) {
        const childPath = path ? `${path}.${key}` : key;
        if (UNSTORABLE.test(key)) found.push(childPath);
        else pending.push([child, childPath]);
      }
    }
    if (found.length >= MAX_REPORTED) break;
  }
  return found.sort();
}
