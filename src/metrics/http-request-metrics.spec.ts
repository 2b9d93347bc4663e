import { Counter, Histogram, Registry } from 'prom-client';
import { HttpRequestMetrics } from './http-request-metrics';

const BUCKETS = [0.001, 0.01, 0.1, 1];
const OBSERVATIONS: Array<[string, string, number, number]> = [
  ['POST', '/api/v1/predictions', 200, 0.0004],
  ['POST', '/api/v1/predictions', 200, 0.001],
  ['POST', '/api/v1/predictions', 200, 0.02],
  ['POST', '/api/v1/predictions', 400, 0.003],
  ['GET', 'unmatched', 404, 7],
];

function promClientText(registry: Registry): void {
  const count = new Counter({
    name: 'http_requests_total',
    help: 'HTTP requests answered, by method, route pattern and status code.',
    labelNames: ['method', 'route', 'status'],
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'Time from request to response, by method, route pattern and status code.',
    labelNames: ['method', 'route', 'status'],
    buckets: BUCKETS,
    registers: [registry],
  });
  for (const [method, route, status, seconds] of OBSERVATIONS) {
    count.inc({ method, route, status: String(status) });
    duration.observe({ method, route, status: String(status) }, seconds);
  }
}

/** Exposition lines with each line's labels sorted (prom-client orders a histogram's labels differently). */
function canonical(text: string): string[] {
  return text.split('\n').map((line) => {
    const m = /^(\w+)\{(.*)\} (.*)$/.exec(line);
    return m ? `${m[1]}{${m[2].split(',').sort().join(',')}} ${m[3]}` : line;
  });
}

describe(HttpRequestMetrics.name, () => {
  it("should expose the same text as prom-client's Counter and Histogram for the same requests", async () => {
    const reference = new Registry();
    reference.setDefaultLabels({ pod: 'p1' });
    promClientText(reference);
    const ours = new Registry();
    ours.setDefaultLabels({ pod: 'p1' });
    const metrics = new HttpRequestMetrics(ours, BUCKETS);
    const predictions = metrics.forRoute('POST', '/api/v1/predictions');
    for (const [method, route, status, seconds] of OBSERVATIONS) {
      if (method === 'POST') predictions(status, seconds);
      else metrics.observe(method, route, status, seconds);
    }
    const text = await ours.metrics();
    expect(canonical(text)).toEqual(canonical(await reference.metrics()));
    expect(text).toContain(
      'http_request_duration_seconds_bucket{method="POST",route="/api/v1/predictions",status="200",le="0.001",pod="p1"} 2',
    );
    expect(text).toContain(
      'http_request_duration_seconds_bucket{method="GET",route="unmatched",status="404",le="+Inf",pod="p1"} 1',
    );
  });

  it('should give the same JSON as prom-client (what the cluster aggregator reads) and start over on reset', async () => {
    const reference = new Registry();
    promClientText(reference);
    const ours = new Registry();
    const metrics = new HttpRequestMetrics(ours, BUCKETS);
    for (const [method, route, status, seconds] of OBSERVATIONS) metrics.observe(method, route, status, seconds);
    expect(await ours.getMetricsAsJSON()).toEqual(await reference.getMetricsAsJSON());
    ours.resetMetrics();
    expect(await ours.metrics()).toMatch(/^http_requests_total\{method="GET",route="unmatched",status="404"\} 0$/m);
    expect(await ours.metrics()).toMatch(/^http_request_duration_seconds_sum\{.*status="200"\} 0$/m);
  });
});
