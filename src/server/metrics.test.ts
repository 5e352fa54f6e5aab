import { describe, expect, it } from 'vitest';
import { Counter, Histogram, ServerMetrics } from './metrics.js';

describe('metrics', () => {
  it('counts by label set, whatever order the labels come in', () => {
    const counter = new Counter('things_total');
    counter.inc({ a: '1', b: '2' });
    counter.inc({ b: '2', a: '1' }, 2);
    counter.inc({ a: 'x', b: '2' });
    expect(counter.get({ a: '1', b: '2' })).toBe(3);
    expect(counter.render()).toEqual(['things_total{a="1",b="2"} 3', 'things_total{a="x",b="2"} 1']);
  });

  it('escapes label values', () => {
    const counter = new Counter('odd_total');
    counter.inc({ route: 'a"b\\c\nd' });
    expect(counter.render()).toEqual(['odd_total{route="a\\"b\\\\c\\nd"} 1']);
  });

  it('writes cumulative histogram buckets ending in +Inf, with sum and count', () => {
    const histogram = new Histogram('wait_seconds', [0.1, 1]);
    for (const value of [0.05, 0.5, 0.5, 3]) histogram.observe({ route: '/x' }, value);
    expect(histogram.render()).toEqual([
      'wait_seconds_bucket{route="/x",le="0.1"} 1',
      'wait_seconds_bucket{route="/x",le="1"} 3',
      'wait_seconds_bucket{route="/x",le="+Inf"} 4',
      'wait_seconds_sum{route="/x"} 4.05',
      'wait_seconds_count{route="/x"} 4',
    ]);
  });

  it('renders every family with HELP and TYPE before its samples, memory included', () => {
    const metrics = new ServerMetrics({
      uptime: () => 12.5,
      memory: () => ({ rss: 100, heapTotal: 80, heapUsed: 60, external: 5, arrayBuffers: 1 }),
    });
    metrics.observe('GET', '/health', 200, 0.002);
    const text = metrics.render();
    expect(text.endsWith('\n')).toBe(true);
    expect(text).toContain('# HELP citemed_http_requests_total HTTP requests answered, by method, route pattern and status.\n# TYPE citemed_http_requests_total counter\ncitemed_http_requests_total{method="GET",route="/health",status="200"} 1\n');
    expect(text).toContain('# TYPE citemed_http_request_duration_seconds histogram\n');
    expect(text).toContain('citemed_http_request_duration_seconds_bucket{method="GET",route="/health",le="0.005"} 1\n');
    expect(text).toContain('# TYPE process_resident_memory_bytes gauge\nprocess_resident_memory_bytes 100\n');
    expect(text).toContain('nodejs_heap_size_used_bytes 60\n');
    expect(text).toContain('process_uptime_seconds 12.5\n');
    expect(text).toContain('citemed_http_requests_in_flight 0\n');
  });
});
