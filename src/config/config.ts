// Configuration from environment variables, validated once at start. Every
// bad value is reported at once, each with the variable's name.
import { isIP } from 'node:net';
import { DEFAULT_BUDGET_OUTPUT_RESERVE_TOKENS } from '../domain/virtual-key.js';
import { readMetricsConfig, type MetricsConfig } from './metrics-config.js';
import { readResponsesConfig, type ResponsesConfig } from './responses-config.js';
import { readRedisConfig, type RedisConfig } from './redis-config.js';
import { readUpstreamQueueConfig } from './upstream-queue-config.js';
import { readBreakerConfig, type BreakerConfig } from './breaker-config.js';
import type { RequestQueueRecord } from '../domain/provider.js';
import { readConfigFileSetting } from './config-file-config.js';
import { readReceiveTimeouts } from './receive-timeouts.js';
import { readConsoleConfig, type ConsoleConfig } from './console-config.js';
import { readTlsFiles, type TlsFiles } from './tls-config.js';

/** The embedded SQLite database (the default): the master key and the admin token may be generated. */
export function usesEmbeddedDatabase(config: Pick<GatewayConfig, 'databaseUrl'>): boolean {
  return config.databaseUrl === undefined || config.databaseUrl.startsWith('sqlite:');
}

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

export interface GatewayConfig {
  host: string;
  port: number;
  dataDir: string;
  /** Unset: embedded SQLite under dataDir. */
  databaseUrl: string | undefined;
  /** The current master key (base64 or hex of 32 bytes); unset on the embedded default = generated. */
  masterKey: string | undefined;
  /** Older master keys that still decrypt (never encrypt). */
  retiredMasterKeys: string[];
  /** Unset on the embedded default = generated on first start. */
  adminToken: string | undefined;
  corsOrigins: string[];
  logLevel: LogLevel;
  tls: TlsFiles | undefined;
  /** Time a client has to send the request headers (also the first bytes of a connection). */
  headersTimeoutMs: number;
  /** Time a client has to send its whole request, body included (HTTP/1.1 and HTTP/2); 408 after it. */
  requestTimeoutMs: number;
  /** Idle keep-alive connections are closed after this. */
  idleTimeoutMs: number;
  /** A stream whose upstream sends nothing this long after its first chunk ends with deadline_exceeded. */
  streamIdleTimeoutMs: number;
  /** On shutdown, in-flight requests get this long before connections are cut. */
  shutdownGraceMs: number;
  bodyLimitBytes: number;
  /** HTTP/2 streams one connection may have open at once (SETTINGS_MAX_CONCURRENT_STREAMS), however many a client opens. */
  http2MaxConcurrentStreams: number;
  /**
   * Data-plane requests (REST shims, CompletionService) in flight in this process at once; more are
   * refused with 503 / UNAVAILABLE and retry-after until some finish. 0 = no limit.
   */
  maxInFlightRequests: number;
  /** CompletionService's Complete and StreamComplete over gRPC, gRPC-Web and Connect served by rpc/fast-path (on), or all by connect-es (off). */
  rpcFastPath: boolean;
  /** Proxies (IPs or CIDRs) whose X-Forwarded-For is believed for the client address; none by default. */
  trustedProxies: string[];
  /** Request-log rows older than this many days are deleted in the background; 0 keeps them forever. */
  logRetentionDays: number;
  /** Response cache size bound in bytes; 0 turns the cache off. Per process. */
  cacheMaxBytes: number;
  cacheTtlMs: number;
  /** Output tokens a key's budget reserves for a request that sets no maximum output of its own. */
  budgetOutputReserveTokens: number;
  /** Processes serving requests (node:cluster); 1 = the gateway is this process. `--workers N` overrides. */
  workers: number;
  /** A virtual key read from the database is answered from memory this long, then read again. */
  keyCacheTtlMs: number;
  /** While the database cannot be read, a key's last known state is answered while at most this old; 0: never. */
  keyStaleMaxMs: number;
  /** Request-log rows held in memory while the database is slow or away; beyond it the oldest are dropped and counted. */
  requestLogBufferMax: number;
  /** Scheduled health-check runs older than this many days are deleted in the background; 0 keeps them forever. */
  healthCheckRetentionDays: number;
  /** Spans exported over OTLP/HTTP; undefined (the default) = no tracing, and no OpenTelemetry code loaded. */
  tracing: TracingConfig | undefined;
  /** GET /metrics: its credential, an optional port of its own, label and sampling choices (metrics-config.ts). */
  metrics: MetricsConfig;
  /** Shared rate limits and admin invalidation across replicas (redis-config.ts); undefined = each replica alone. */
  redis: RedisConfig | undefined;
  /** Stored Responses API answers: their retention (responses-config.ts). */
  responses: ResponsesConfig;
  /** The queue of requests over an upstream quota, for providers without their own (upstream-queue-config.ts). */
  upstreamQueue: RequestQueueRecord;
  /** When a target's circuit breaker opens, and its cool-down (breaker-config.ts). */
  breaker: BreakerConfig;
  /** GATEWAY_CONFIG_FILE: a gateway.yaml applied at start and on SIGHUP (config-file-config.ts); unset = none. */
  configFile?: string | undefined;
  /** The admin console at /console/ (console-config.ts). */
  console: ConsoleConfig;
}

export interface TracingConfig {
  /** Where spans are POSTed: OTEL_EXPORTER_OTLP_TRACES_ENDPOINT as is, or OTEL_EXPORTER_OTLP_ENDPOINT + /v1/traces. */
  tracesUrl: string;
  /** Record prompt and completion content on the spans (GATEWAY_TRACE_CONTENT=true); off by default. */
  content: boolean;
  /** OTEL_TRACES_SAMPLER / OTEL_TRACES_SAMPLER_ARG (default: parentbased_always_on). */
  sampler: SamplerConfig;
  /** OTEL_BSP_SCHEDULE_DELAY (ms between exports, default 5000) and OTEL_BSP_MAX_QUEUE_SIZE (spans held, default 2048). */
  batch: { scheduledDelayMs: number; maxQueueSize: number };
}

export interface SamplerConfig {
  /** Follow the client's sampled flag when it sent a traceparent. */
  parentBased: boolean;
  /** Share of new traces sampled: 1 = always_on, 0 = always_off, between = traceidratio. */
  ratio: number;
}

export class ConfigError extends Error {
  /** `partial`: the configuration with each bad value's fallback, for the checks that report beside these. */
  constructor(readonly problems: string[], readonly partial?: GatewayConfig) {
    super(`Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

// Plain checks instead of a schema library: zod cost ~3 MB of heap for the
// life of the process, for a few lines run once at start.
type Environment = NodeJS.ProcessEnv;

/** Collects one problem per variable; every reader returns a usable fallback so all problems are found at once. */
class Reader {
  readonly problems: string[] = [];
  constructor(private readonly environment: Environment) {}

  private fail<T>(name: string, message: string, fallback: T): T {
    this.problems.push(`${name}: ${message}`);
    return fallback;
  }

  /** Trimmed; unset or blank → undefined. */
  optional(name: string): string | undefined {
    const value = this.environment[name]?.trim();
    return value === undefined || value === '' ? undefined : value;
  }

  /** Trimmed; unset → the default; set but blank → a problem. */
  text(name: string, fallback: string): string {
    const value = this.environment[name];
    if (value === undefined) return fallback;
    return value.trim() === '' ? this.fail(name, 'must not be empty', fallback) : value.trim();
  }

  integer(name: string, minimum: number, maximum: number, fallback: number): number {
    const value = this.environment[name];
    if (value === undefined) return fallback;
    const trimmed = value.trim();
    if (!/^\d+$/.test(trimmed)) return this.fail(name, 'must be a whole number', fallback);
    const parsed = Number(trimmed);
    if (parsed < minimum) return this.fail(name, `must be at least ${minimum}`, fallback);
    if (parsed > maximum) return this.fail(name, `must be at most ${maximum}`, fallback);
    return parsed;
  }

  /** Comma-separated, trimmed, blanks dropped; every entry must pass `valid`. */
  list(name: string, valid: (entry: string) => boolean = () => true, message = ''): string[] {
    const entries = (this.environment[name] ?? '')
      .split(',')
      .map((item) => item.trim())
      .filter((item) => item.length > 0);
    return entries.every(valid) ? entries : this.fail(name, message, []);
  }

  check<T>(name: string, value: T, valid: (value: T) => boolean, message: string): T {
    return valid(value) ? value : this.fail(name, message, value);
  }
}

export const MAX_WORKERS = 64;

const LOG_LEVELS: readonly LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

const originPattern = /^https?:\/\/[^/\s]+$/;

function isAddressOrRange(entry: string): boolean {
  const [address = '', bits, extra] = entry.split('/');
  const family = isIP(address);
  if (family === 0 || extra !== undefined) return false;
  if (bits === undefined) return true;
  const prefix = Number(bits);
  return /^\d+$/.test(bits) && prefix >= 0 && prefix <= (family === 4 ? 32 : 128);
}

const SAMPLERS = ['always_on', 'always_off', 'traceidratio', 'parentbased_always_on', 'parentbased_always_off', 'parentbased_traceidratio'];

/**
 * Tracing, from the standard OpenTelemetry variables: on when an OTLP endpoint is set (and neither
 * OTEL_SDK_DISABLED=true nor OTEL_TRACES_EXPORTER=none says otherwise). Spans go as OTLP/HTTP with JSON
 * bodies; a gRPC-only protocol is refused rather than silently sent to the wrong port. The exporter
 * itself reads OTEL_EXPORTER_OTLP_HEADERS, _TIMEOUT, _COMPRESSION and the certificate variables, and
 * the resource OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES.
 */
function readTracing(read: Reader): TracingConfig | undefined {
  const content = read.check('GATEWAY_TRACE_CONTENT', read.text('GATEWAY_TRACE_CONTENT', 'false'), (value) => value === 'true' || value === 'false', 'must be true or false');
  const tracesEndpoint = read.optional('OTEL_EXPORTER_OTLP_TRACES_ENDPOINT');
  const endpoint = read.optional('OTEL_EXPORTER_OTLP_ENDPOINT');
  if (tracesEndpoint === undefined && endpoint === undefined) return undefined;
  if (read.optional('OTEL_SDK_DISABLED')?.toLowerCase() === 'true') return undefined;
  const exporter = read.optional('OTEL_TRACES_EXPORTER')?.toLowerCase();
  if (exporter === 'none') return undefined;
  read.check('OTEL_TRACES_EXPORTER', exporter, (value) => value === undefined || value === 'otlp', 'only otlp (or none) is supported');
  const protocol = read.optional('OTEL_EXPORTER_OTLP_TRACES_PROTOCOL') ?? read.optional('OTEL_EXPORTER_OTLP_PROTOCOL');
  read.check('OTEL_EXPORTER_OTLP_PROTOCOL', protocol, (value) => value !== 'grpc', 'grpc is not supported: the gateway exports OTLP/HTTP (JSON); point the endpoint at the collector\'s HTTP port (4318)');
  // A per-signal endpoint is used as given; the general one gets the signal's path (the OTLP exporter spec).
  const tracesUrl = tracesEndpoint ?? `${endpoint!.replace(/\/+$/, '')}/v1/traces`;
  const variable = tracesEndpoint !== undefined ? 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT' : 'OTEL_EXPORTER_OTLP_ENDPOINT';
  read.check(variable, tracesUrl, (url) => URL.canParse(url) && /^https?:$/.test(new URL(url).protocol), 'must be an http:// or https:// URL');
  const batch = {
    scheduledDelayMs: read.integer('OTEL_BSP_SCHEDULE_DELAY', 1, 3_600_000, 5_000),
    maxQueueSize: read.integer('OTEL_BSP_MAX_QUEUE_SIZE', 1, 10_000_000, 2_048),
  };
  return { tracesUrl, content: content === 'true', sampler: readSampler(read), batch };
}

function readSampler(read: Reader): SamplerConfig {
  const name = read.check('OTEL_TRACES_SAMPLER', read.optional('OTEL_TRACES_SAMPLER')?.toLowerCase() ?? 'parentbased_always_on', (value) => SAMPLERS.includes(value), `must be one of ${SAMPLERS.join(', ')}`);
  const argument = read.optional('OTEL_TRACES_SAMPLER_ARG');
  let ratio = name.endsWith('always_off') ? 0 : 1;
  if (name.endsWith('traceidratio')) {
    ratio = argument === undefined ? 1 : Number(argument);
    read.check('OTEL_TRACES_SAMPLER_ARG', ratio, (value) => Number.isFinite(value) && value >= 0 && value <= 1, 'must be a number from 0 to 1');
  }
  return { parentBased: name.startsWith('parentbased_'), ratio: Number.isFinite(ratio) ? Math.min(1, Math.max(0, ratio)) : 1 };
}

/** Reads the gateway's variables from `environment` (process.env by default). */
export function loadConfig(environment: Environment = process.env): GatewayConfig {
  // Never echo a received value in a problem: it may be a secret.
  const read = new Reader(environment);
  const logLevel = read.text('GATEWAY_LOG_LEVEL', 'info');
  const config: GatewayConfig = {
    host: read.text('GATEWAY_HOST', '127.0.0.1'),
    port: read.integer('GATEWAY_PORT', 0, 65535, 8080),
    dataDir: read.text('GATEWAY_DATA_DIR', './data'),
    databaseUrl: read.check(
      'DATABASE_URL',
      read.optional('DATABASE_URL'),
      (value) => value === undefined || /^(mysql|mariadb|sqlite):/.test(value),
      'must start with mysql://, mariadb:// or sqlite:',
    ),
    masterKey: read.optional('GATEWAY_MASTER_KEY'),
    retiredMasterKeys: read.list('GATEWAY_RETIRED_MASTER_KEYS'),
    adminToken: read.check(
      'GATEWAY_ADMIN_TOKEN',
      read.optional('GATEWAY_ADMIN_TOKEN'),
      (value) => value === undefined || value.length >= 24,
      'must be at least 24 characters',
    ),
    corsOrigins: read.list(
      'GATEWAY_CORS_ORIGINS',
      (origin) => origin === '*' || originPattern.test(origin),
      'must be a comma-separated list of origins such as https://app.example.com (scheme://host[:port], no path) or *',
    ),
    logLevel: read.check('GATEWAY_LOG_LEVEL', logLevel as LogLevel, (level) => LOG_LEVELS.includes(level), `must be one of ${LOG_LEVELS.join(', ')}`),
    tls: readTlsFiles(read),
    ...readReceiveTimeouts(read),
    idleTimeoutMs: read.integer('GATEWAY_IDLE_TIMEOUT_MS', 100, 3_600_000, 65_000),
    streamIdleTimeoutMs: read.integer('GATEWAY_STREAM_IDLE_TIMEOUT_MS', 100, 3_600_000, 300_000),
    shutdownGraceMs: read.integer('GATEWAY_SHUTDOWN_GRACE_MS', 0, 600_000, 10_000),
    bodyLimitBytes: read.integer('GATEWAY_BODY_LIMIT_BYTES', 1024, 1024 * 1024 * 1024, 20 * 1024 * 1024),
    // RFC 9113 §6.5.2 advises at least 100 so as not to limit parallelism needlessly; Node's own default is unlimited.
    http2MaxConcurrentStreams: read.integer('GATEWAY_HTTP2_MAX_CONCURRENT_STREAMS', 1, 100_000, 100),
    maxInFlightRequests: read.integer('GATEWAY_MAX_IN_FLIGHT_REQUESTS', 0, 1_000_000, 1024),
    rpcFastPath: read.check('GATEWAY_RPC_FAST_PATH', read.text('GATEWAY_RPC_FAST_PATH', 'on'), (value) => value === 'on' || value === 'off', 'must be on or off') === 'on',
    trustedProxies: read.list(
      'GATEWAY_TRUSTED_PROXIES',
      isAddressOrRange,
      'must be a comma-separated list of IP addresses or CIDR ranges, e.g. 10.0.0.0/8, 127.0.0.1',
    ),
    logRetentionDays: read.integer('GATEWAY_LOG_RETENTION_DAYS', 0, 36_500, 30),
    cacheMaxBytes: read.integer('GATEWAY_CACHE_MAX_BYTES', 0, 64 * 1024 * 1024 * 1024, 64 * 1024 * 1024),
    cacheTtlMs: read.integer('GATEWAY_CACHE_TTL_SECONDS', 1, 30 * 24 * 3600, 300) * 1000,
    budgetOutputReserveTokens: read.integer('GATEWAY_BUDGET_OUTPUT_RESERVE_TOKENS', 0, 10_000_000, DEFAULT_BUDGET_OUTPUT_RESERVE_TOKENS),
    workers: read.integer('GATEWAY_WORKERS', 1, MAX_WORKERS, 1),
    keyCacheTtlMs: read.integer('GATEWAY_KEY_CACHE_TTL_MS', 100, 3_600_000, 30_000),
    keyStaleMaxMs: read.integer('GATEWAY_KEY_STALE_MAX_MS', 0, 7 * 86_400_000, 3_600_000),
    requestLogBufferMax: read.integer('GATEWAY_REQUEST_LOG_BUFFER_MAX', 1_000, 10_000_000, 50_000),
    healthCheckRetentionDays: read.integer('GATEWAY_HEALTH_CHECK_RETENTION_DAYS', 0, 36_500, 30),
    tracing: undefined,
    metrics: readMetricsConfig(read),
    redis: readRedisConfig(read),
    responses: readResponsesConfig(read),
    upstreamQueue: readUpstreamQueueConfig(read),
    breaker: readBreakerConfig(read),
    configFile: readConfigFileSetting(read),
    console: readConsoleConfig(read),
  };
  config.tracing = readTracing(read);
  if (config.metrics.port !== undefined && config.metrics.port !== 0 && config.metrics.port === config.port) {
    read.problems.push('GATEWAY_METRICS_PORT: must differ from GATEWAY_PORT');
  }
  if (read.problems.length > 0) throw new ConfigError(read.problems, config);
  return config;
}
