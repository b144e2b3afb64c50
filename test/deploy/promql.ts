/** Functions, aggregations and keywords of PromQL: identifiers that are not metric names. */
const NOT_METRICS = new Set(
  (
    'sum avg min max count stddev stdvar topk bottomk quantile count_values group by without on ' +
    'ignoring group_left group_right bool and or unless offset rate irate increase delta idelta ' +
    'deriv predict_linear histogram_quantile label_replace label_join absent absent_over_time ' +
    'abs ceil floor round clamp clamp_min clamp_max exp ln log2 log10 sqrt time timestamp ' +
    'vector scalar sort sort_desc avg_over_time min_over_time max_over_time sum_over_time ' +
    'count_over_time last_over_time quantile_over_time stddev_over_time changes resets ' +
    'day_of_month day_of_week hour minute month year inf nan'
  ).split(' '),
);

/**
 * The metric names a PromQL expression reads. Label matchers (`{…}`), grouping clauses
 * (`by (…)`), ranges (`[5m]`), strings and Grafana variables are removed first; what is left
 * that is not PromQL's own vocabulary is a metric.
 */
export function metricNames(expr: string): string[] {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, ' ')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ')
    .replace(/\$\{?[\w.]+\}?/g, ' ');
  const names = stripped.match(/[a-zA-Z_:][a-zA-Z0-9_:]*/g) ?? [];
  return [...new Set(names.filter((n) => !NOT_METRICS.has(n.toLowerCase()) && !/^\d/.test(n)))];
}

/** A histogram's series (`_bucket`, `_sum`, `_count`) are exported under its own name. */
export function baseMetric(name: string): string[] {
  const m = /^(.*)_(bucket|sum|count)$/.exec(name);
  return m ? [name, m[1]] : [name];
}

const MATCHER = /^[a-zA-Z_]\w*\s*(=~|!~|!=|=)\s*"((?:[^"\\]|\\.)*)"$/;
const DURATION = /^(\d+(ms|[smhdwy]))+$/;
const CLOSER: Record<string, string> = { ')': '(', '}': '{', ']': '[' };

/**
 * What a hand edit most often breaks in a PromQL expression, without a full parser (promtool
 * check rules is the full one): unbalanced brackets or quotes, a label matcher that is not
 * `name op "value"`, a regex that does not compile, a range or subquery that is not a duration.
 */
export function promqlSyntaxErrors(expr: string): string[] {
  const errors: string[] = [];
  const open: string[] = [];
  for (const token of expr.match(/"(?:[^"\\]|\\.)*"|"|[(){}[\]]/g) ?? []) {
    if (token === '"') errors.push('unterminated string');
    else if ('({['.includes(token)) open.push(token);
    else if (CLOSER[token] && open.pop() !== CLOSER[token]) errors.push(`unbalanced ${token}`);
  }
  if (open.length) errors.push(`unclosed ${open.join('')}`);
  for (const [, body] of expr.matchAll(/\{((?:[^}"]|"(?:[^"\\]|\\.)*")*)\}/g)) {
    for (const matcher of body.split(/,(?=(?:[^"]*"[^"]*")*[^"]*$)/).map((m) => m.trim())) {
      if (!matcher) continue;
      const m = MATCHER.exec(matcher);
      if (!m) errors.push(`bad matcher ${matcher}`);
      else if (m[1].includes('~')) {
        try {
          new RegExp(m[2].replace(/\\\\/g, '\\'));
        } catch {
          errors.push(`bad regex ${matcher}`);
        }
      }
    }
  }
  for (const [, range] of expr.matchAll(/\[([^\]]*)\]/g)) {
    if (!range.split(':').every((d, i) => DURATION.test(d) || (i === 1 && d === '')))
      errors.push(`bad range [${range}]`);
  }
  return errors;
}

export function isDuration(value: string): boolean {
  return DURATION.test(value);
}
