import { baseMetric, metricNames } from './promql';

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
