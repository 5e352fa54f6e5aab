/**
 * Metrics in the Prometheus text exposition format (version 0.0.4), written by hand: three kinds
 * of series are all the server needs, and a client library would be a dependency larger than
 * this file. Format: https://prometheus.io/docs/instrumenting/exposition_formats/
 *
 * Labels hold route patterns ("/api/v1/sources/:id"), never paths or query strings, so a
 * client cannot create series at will and no question text reaches a metrics store.
 */
export const METRICS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

type Labels = Readonly<Record<string, string>>;

/** Request durations, in seconds: from a health check (~1 ms) to an LLM answer (a minute or more). */
export const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120] as const;

interface Family {
  name: string;
  help: string;
  type: 'counter' | 'gauge' | 'histogram';
  render(): string[];
}

export class Counter {
  private readonly values = new Map<string, { labels: Labels; value: number }>();
  constructor(readonly name: string) {}

  inc(labels: Labels = {}, by = 1): void {
    const key = labelKey(labels);
    const entry = this.values.get(key) ?? { labels, value: 0 };
    entry.value += by;
    this.values.set(key, entry);
  }

  get(labels: Labels = {}): number {
    return this.values.get(labelKey(labels))?.value ?? 0;
  }

  render(): string[] {
    return [...this.values.values()].map(({ labels, value }) => sample(this.name, labels, value));
  }
}

export class Histogram {
  private readonly series = new Map<string, { labels: Labels; counts: number[]; sum: number; count: number }>();
  constructor(
    readonly name: string,
    private readonly buckets: readonly number[],
  ) {}

  observe(labels: Labels, value: number): void {
    const key = labelKey(labels);
    const entry = this.series.get(key) ?? { labels, counts: this.buckets.map(() => 0), sum: 0, count: 0 };
    this.buckets.forEach((bound, i) => {
      if (value <= bound) entry.counts[i]! += 1;
    });
    entry.sum += value;
    entry.count += 1;
    this.series.set(key, entry);
  }

  render(): string[] {
    return [...this.series.values()].flatMap(({ labels, counts, sum, count }) => [
      // Buckets are cumulative: each counts the observations at or below its bound.
      ...this.buckets.map((bound, i) => sample(`${this.name}_bucket`, { ...labels, le: formatNumber(bound) }, counts[i]!)),
      sample(`${this.name}_bucket`, { ...labels, le: '+Inf' }, count),
      sample(`${this.name}_sum`, labels, sum),
      sample(`${this.name}_count`, labels, count),
    ]);
  }
}

/** The server's metrics: HTTP traffic, answers given, and the process's memory. */
export class ServerMetrics {
  readonly requests = new Counter('citemed_http_requests_total');
  readonly durations = new Histogram('citemed_http_request_duration_seconds', DURATION_BUCKETS);
  readonly answers = new Counter('citemed_answers_total');
  inFlight = 0;
  private readonly families: Family[];

  constructor(private readonly clock: { uptime(): number; memory(): NodeJS.MemoryUsage } = { uptime: () => process.uptime(), memory: () => process.memoryUsage() }) {
    const gauge = (name: string, help: string, read: () => number): Family => ({ name, help, type: 'gauge', render: () => [sample(name, {}, read())] });
    const memory = (field: keyof NodeJS.MemoryUsage) => () => this.clock.memory()[field];
    this.families = [
      { name: this.requests.name, help: 'HTTP requests answered, by method, route pattern and status.', type: 'counter', render: () => this.requests.render() },
      { name: this.durations.name, help: 'Time to answer HTTP requests, in seconds, by method and route pattern.', type: 'histogram', render: () => this.durations.render() },
      gauge('citemed_http_requests_in_flight', 'HTTP requests being answered now.', () => this.inFlight),
      { name: this.answers.name, help: 'Answers composed, by status (answered or insufficient).', type: 'counter', render: () => this.answers.render() },
      gauge('process_resident_memory_bytes', 'Resident set size of the process, in bytes.', memory('rss')),
      gauge('nodejs_heap_size_total_bytes', 'V8 heap size, in bytes.', memory('heapTotal')),
      gauge('nodejs_heap_size_used_bytes', 'V8 heap in use, in bytes.', memory('heapUsed')),
      gauge('nodejs_external_memory_bytes', 'Memory of C++ objects bound to JavaScript (buffers, SQLite), in bytes.', memory('external')),
      gauge('process_uptime_seconds', 'Seconds since the process started.', () => this.clock.uptime()),
    ];
  }

  /** Records one answered request. */
  observe(method: string, route: string, status: number, seconds: number): void {
    this.requests.inc({ method, route, status: String(status) });
    this.durations.observe({ method, route }, seconds);
  }

  /** The exposition text: HELP and TYPE lines, then the samples of each family. */
  render(): string {
    const lines = this.families.flatMap((family) => [`# HELP ${family.name} ${escapeHelp(family.help)}`, `# TYPE ${family.name} ${family.type}`, ...family.render()]);
    return `${lines.join('\n')}\n`;
  }
}

function sample(name: string, labels: Labels, value: number): string {
  const pairs = Object.entries(labels).map(([key, v]) => `${key}="${escapeLabel(v)}"`);
  return `${name}${pairs.length > 0 ? `{${pairs.join(',')}}` : ''} ${formatNumber(value)}`;
}

function labelKey(labels: Labels): string {
  return JSON.stringify(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** Label values escape backslash, double quote and line feed. */
function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

/** HELP text escapes backslash and line feed. */
function escapeHelp(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

function formatNumber(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return String(value);
}
