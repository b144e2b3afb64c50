/**
 * Alertmanager's routing and inhibition, as its documentation states them, to check
 * deploy/monitoring/alertmanager/alertmanager.yaml against sample alerts:
 * - a matcher is `name op "value"` (=, !=, =~, !~); regexes are anchored; a missing label is "";
 * - a route matches when all its matchers do; its children are tried in order and the first that
 *   matches takes the alert, unless that child has `continue: true`, when the next are tried too;
 *   a route none of whose children matches delivers to its own receiver, inherited if unset;
 * - a target alert is muted while a different firing alert matches source_matchers, it matches
 *   target_matchers, and the two have the same value (or both none) for every `equal` label.
 */
export type Labels = Record<string, string>;

export interface Route {
  receiver?: string;
  matchers?: string[];
  continue?: boolean;
  group_by?: string[];
  routes?: Route[];
}

export interface InhibitRule {
  source_matchers: string[];
  target_matchers: string[];
  equal?: string[];
}

function matches(matcher: string, labels: Labels): boolean {
  const m = /^\s*([a-zA-Z_]\w*)\s*(=~|!~|!=|=)\s*"((?:[^"\\]|\\.)*)"\s*$/.exec(matcher);
  if (!m) throw new Error(`not a matcher: ${matcher}`);
  const [, name, op, value] = m;
  const actual = labels[name] ?? '';
  switch (op) {
    case '=':
      return actual === value;
    case '!=':
      return actual !== value;
    case '=~':
      return new RegExp(`^(?:${value})$`).test(actual);
    default:
      return !new RegExp(`^(?:${value})$`).test(actual);
  }
}

function matchesAll(matchers: string[] | undefined, labels: Labels): boolean {
  return (matchers ?? []).every((m) => matches(m, labels));
}

/** The receivers an alert is delivered to, in route order. */
export function receiversFor(route: Route, labels: Labels, inherited = ''): string[] {
  const receiver = route.receiver ?? inherited;
  const found: string[] = [];
  for (const child of route.routes ?? []) {
    if (!matchesAll(child.matchers, labels)) continue;
    found.push(...receiversFor(child, labels, receiver));
    if (!child.continue) break;
  }
  return found.length ? found : [receiver];
}

/** Whether `target` is muted while the alerts in `firing` fire. */
export function isInhibited(rules: InhibitRule[], target: Labels, firing: Labels[]): boolean {
  return rules.some(
    (rule) =>
      matchesAll(rule.target_matchers, target) &&
      firing.some(
        (source) =>
          source !== target &&
          matchesAll(rule.source_matchers, source) &&
          (rule.equal ?? []).every((l) => (source[l] ?? '') === (target[l] ?? '')),
      ),
  );
}
