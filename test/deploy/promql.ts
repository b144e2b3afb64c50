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
