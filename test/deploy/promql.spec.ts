import { baseMetric, metricNames, promqlSyntaxErrors } from './promql';

describe('metricNames', () => {
  it('finds the metrics of an expression and nothing of PromQL, labels, ranges or variables', () => {
    expect(
      metricNames(
        'histogram_quantile(0.99, sum by (le, tier) (rate(generation_duration_seconds_bucket{namespace="$namespace"}[5m]))) > 60',
      ),
    ).toEqual(['generation_duration_seconds_bucket']);
    expect(
      metricNames(
        'sum(rate(http_request_duration_seconds_count{status_code=~"5.."}[3m])) / sum(rate(http_request_duration_seconds_count[3m])) > 0.05',
      ),
    ).toEqual(['http_request_duration_seconds_count']);
    expect(metricNames('up{service="user-service"} == 0')).toEqual(['up']);
    expect(metricNames('max by (window) (active_users{namespace=~"${namespace}"})')).toEqual([
      'active_users',
    ]);
  });

  it('maps histogram series to the histogram', () => {
    expect(baseMetric('generation_wait_seconds_bucket')).toEqual([
      'generation_wait_seconds_bucket',
      'generation_wait_seconds',
    ]);
    expect(baseMetric('up')).toEqual(['up']);
  });
});

describe('promqlSyntaxErrors', () => {
  it('accepts well-formed expressions, subqueries and regexes with escapes', () => {
    expect(
      promqlSyntaxErrors(
        'sum by (namespace) (rate(x_total{namespace="prod", route!~"/(health|ready)", a=~"\\\\d+"}[5m])) > 0.05',
      ),
    ).toEqual([]);
    expect(promqlSyntaxErrors('max_over_time(up{job="a,b"}[1h:5m]) == 0')).toEqual([]);
  });

  it('names what is broken', () => {
    expect(promqlSyntaxErrors('sum(rate(x[5m])')).toEqual(['unclosed (']);
    expect(promqlSyntaxErrors('up{namespace="prod}')).toContain('unterminated string');
    expect(promqlSyntaxErrors('up{namespace=prod}')).toEqual(['bad matcher namespace=prod']);
    expect(promqlSyntaxErrors('up{service=~"(a"}')).toEqual(['bad regex service=~"(a"']);
    expect(promqlSyntaxErrors('rate(x[5 m])')).toEqual(['bad range [5 m]']);
    expect(promqlSyntaxErrors('sum(x})')).toEqual(['unbalanced }', 'unbalanced )']);
  });
});
