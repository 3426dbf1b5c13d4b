// The GATEWAY_METRICS_* variables (GET /metrics, README "Operating"): who may
// scrape, where, and the two choices that cost something — key labels
// (series per key: cardinality is the operator's call) and the share of
// requests whose input is tokenized to measure the estimate's accuracy.

export interface MetricsConfig {
  /** A read-only scrape credential (a bearer token), besides the admin token. */
  token: string | undefined;
  /** A second port serving only GET /metrics; unset: the main port alone. */
  port: number | undefined;
  /** Cost by virtual key (a `key_id` label): one series per key and model. */
  keyLabels: boolean;
  /**
   * Share (0–1) of answered chat requests, beyond those whose budget already counted their input,
   * tokenized to compare the gateway's estimate with the upstream's reported input tokens.
   */
  estimateSampleRate: number;
}

/** What metrics-config needs of config.ts's reader (a narrow view, so the two files do not import each other). */
export interface VariableReader {
  readonly problems: string[];
  optional(name: string): string | undefined;
  integer(name: string, minimum: number, maximum: number, fallback: number): number;
}

const MIN_TOKEN_LENGTH = 24;

export function readMetricsConfig(read: VariableReader): MetricsConfig {
  const token = read.optional('GATEWAY_METRICS_TOKEN');
  if (token !== undefined && token.length < MIN_TOKEN_LENGTH) read.problems.push(`GATEWAY_METRICS_TOKEN: must be at least ${MIN_TOKEN_LENGTH} characters`);
  const port = read.optional('GATEWAY_METRICS_PORT') === undefined ? undefined : read.integer('GATEWAY_METRICS_PORT', 0, 65535, 0);
  return {
    token,
    port,
    keyLabels: flag(read, 'GATEWAY_METRICS_KEY_LABELS'),
    estimateSampleRate: fraction(read, 'GATEWAY_METRICS_ESTIMATE_SAMPLE_RATE', 0),
  };
}

function flag(read: VariableReader, name: string): boolean {
  const value = read.optional(name)?.toLowerCase();
  if (value === undefined || value === 'false' || value === '0') return false;
  if (value === 'true' || value === '1') return true;
  read.problems.push(`${name}: must be true or false`);
  return false;
}

function fraction(read: VariableReader, name: string, fallback: number): number {
  const value = read.optional(name);
  if (value === undefined) return fallback;
  const parsed = /^(0(\.\d+)?|1(\.0+)?|\.\d+)$/.test(value) ? Number(value) : Number.NaN;
  if (Number.isNaN(parsed)) {
    read.problems.push(`${name}: must be a number from 0 to 1, e.g. 0.01`);
    return fallback;
  }
  return parsed;
}
