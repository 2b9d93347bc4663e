import type { Registry } from 'prom-client';

type Labels = Record<string, string | number>;

interface Series {
  readonly labels: Labels;
  count: number;
  sum: number;
  /** Observations per bucket (not cumulative); the last slot is above the highest bound. */
  readonly buckets: Float64Array;
}

interface MetricValue {
  value: number;
  labels: Labels;
  metricName?: string;
  exemplar?: null;
}

/** The shape prom-client's registry reads from a metric (`get()`, as its own Counter and Histogram return). */
interface ExportedMetric {
  readonly name: string;
  readonly help: string;
  readonly type: 'counter' | 'histogram';
  readonly aggregator: 'sum';
  get(): Promise<{ name: string; help: string; type: string; values: MetricValue[]; aggregator: 'sum' }>;
  reset(): void;
}

/**
 * `http_requests_total` and `http_request_duration_seconds` by method, route pattern and status, in the same text
 * and JSON formats as prom-client's Counter and Histogram, registered in the same registry. prom-client's label
 * children still hash and validate the labels on every call (~1 µs a request for the pair on the prediction
 * route); here a request adds to plain numbers of a series found by one map lookup, and the exposition is built
 * when /metrics is scraped.
 */
export class HttpRequestMetrics {
  private readonly series = new Map<string, Series>();

  constructor(
    registry: Registry,
    private readonly buckets: readonly number[],
    private readonly names = { count: 'http_requests_total', duration: 'http_request_duration_seconds' },
  ) {
    registry.registerMetric(
      this.metric(names.count, 'HTTP requests answered, by method, route pattern and status code.', 'counter', () =>
        this.countValues(),
      ) as never,
    );
    registry.registerMetric(
      this.metric(
        names.duration,
        'Time from request to response, by method, route pattern and status code.',
        'histogram',
        () => this.durationValues(),
      ) as never,
    );
  }

  observe(method: string, route: string, status: number, seconds: number): void {
    this.add(this.seriesFor(method, route, status), seconds);
  }

  /** `observe` for one route, holding its series per status (no label string built per request). */
  forRoute(method: string, route: string): (status: number, seconds: number) => void {
    const byStatus = new Map<number, Series>();
    return (status, seconds) => {
      let s = byStatus.get(status);
      if (!s) {
        s = this.seriesFor(method, route, status);
        byStatus.set(status, s);
      }
      this.add(s, seconds);
    };
  }

  /** Zeroes every series in place (routes keep their series; the exposition shows zeros until the next request). */
  reset(): void {
    for (const s of this.series.values()) {
      s.count = 0;
      s.sum = 0;
      s.buckets.fill(0);
    }
  }

  private seriesFor(method: string, route: string, status: number): Series {
    const id = `${method} ${status} ${route}`;
    let s = this.series.get(id);
    if (!s) {
      s = {
        labels: { method, route, status: String(status) },
        count: 0,
        sum: 0,
        buckets: new Float64Array(this.buckets.length + 1),
      };
      this.series.set(id, s);
    }
    return s;
  }

  private add(s: Series, seconds: number): void {
    s.count++;
    s.sum += seconds;
    let b = 0;
    while (b < this.buckets.length && seconds > this.buckets[b]) b++;
    s.buckets[b]++;
  }

  private countValues(): MetricValue[] {
    return [...this.series.values()].map((s) => ({ value: s.count, labels: s.labels }));
  }

  private durationValues(): MetricValue[] {
    const values: MetricValue[] = [];
    const bucketName = `${this.names.duration}_bucket`;
    for (const s of this.series.values()) {
      let cumulative = 0;
      this.buckets.forEach((le, i) => {
        cumulative += s.buckets[i];
        values.push({ value: cumulative, labels: { ...s.labels, le }, metricName: bucketName, exemplar: null });
      });
      values.push({ value: s.count, labels: { ...s.labels, le: '+Inf' }, metricName: bucketName, exemplar: null });
      values.push({ value: s.sum, labels: s.labels, metricName: `${this.names.duration}_sum` });
      values.push({ value: s.count, labels: s.labels, metricName: `${this.names.duration}_count` });
    }
    return values;
  }

  private metric(
    name: string,
    help: string,
    type: 'counter' | 'histogram',
    values: () => MetricValue[],
  ): ExportedMetric {
    return {
      name,
      help,
      type,
      aggregator: 'sum',
      get: () => Promise.resolve({ name, help, type, values: values(), aggregator: 'sum' }),
      reset: () => this.reset(),
    };
  }
}
