// Reads a scrape with an independent parser (parse-prometheus-text-format),
// so the tests check the exposition text itself, not prom-client reading its
// own registry back. That parser merges a histogram's label sets into one, so
// histograms are handed to it untyped: their _bucket, _sum and _count series
// are then read as plain samples with their labels (one untyped family per
// run of lines, so a name may head several families: samples() reads them all).
import parsePrometheusTextFormat, { type ParsedFamily, type ParsedSample } from 'parse-prometheus-text-format';

export interface Exposition {
  families: ParsedFamily[];
  /** Names of the histogram families (declared `# TYPE … histogram`). */
  histograms: Set<string>;
  family(name: string): ParsedFamily | undefined;
  /** The samples of `name` whose labels include `labels`. */
  samples(name: string, labels?: Record<string, string>): ParsedSample[];
  /** Sum of the matching counter or gauge samples (0 when none). */
  sum(name: string, labels?: Record<string, string>): number;
  /** Sum of the matching histograms' observation counts. */
  count(name: string, labels?: Record<string, string>): number;
  /** The upper bounds of a histogram's buckets. */
  bucketBounds(name: string): number[];
}

const HISTOGRAM_TYPE = /^# TYPE (\S+) histogram$/;

export function parseExposition(text: string): Exposition {
  const histograms = new Set<string>();
  const lines = text.split('\n').filter((line) => {
    const histogram = HISTOGRAM_TYPE.exec(line);
    if (histogram) histograms.add(histogram[1]!);
    return !histogram;
  });
  const families = parsePrometheusTextFormat(lines.join('\n'));
  const family = (name: string) => families.find((candidate) => candidate.name === name);
  const samples = (name: string, labels: Record<string, string> = {}) =>
    families
      .filter((candidate) => candidate.name === name)
      .flatMap((candidate) => candidate.metrics)
      .filter((sample) => Object.entries(labels).every(([label, value]) => (sample.labels ?? {})[label] === value));
  const sum = (name: string, labels?: Record<string, string>) => samples(name, labels).reduce((total, sample) => total + Number(sample.value), 0);
  return {
    families,
    histograms,
    family,
    samples,
    sum,
    count: (name, labels) => sum(`${name}_count`, labels),
    bucketBounds: (name) =>
      [...new Set(samples(`${name}_bucket`).map((sample) => sample.labels?.['le']))].map((le) => (le === '+Inf' ? Number.POSITIVE_INFINITY : Number(le))).sort((a, b) => a - b),
  };
}

export async function scrape(url: string, token: string | undefined): Promise<{ status: number; contentType: string; text: string; headers: Headers }> {
  const response = await fetch(url, token === undefined ? {} : { headers: { authorization: `Bearer ${token}` } });
  return { status: response.status, contentType: response.headers.get('content-type') ?? '', text: await response.text(), headers: response.headers };
}
