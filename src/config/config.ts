// Configuration from environment variables, validated once at start. Every
// bad value is reported at once, each with the variable's name.
import { isIP } from 'node:net';
import { z } from 'zod';

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
  tls: { certFile: string; keyFile: string } | undefined;
  /** Time a client has to send the request headers (also the first bytes of a connection). */
  headersTimeoutMs: number;
  /** Idle keep-alive connections are closed after this. */
  idleTimeoutMs: number;
  /** On shutdown, in-flight requests get this long before connections are cut. */
  shutdownGraceMs: number;
  bodyLimitBytes: number;
  /** Proxies (IPs or CIDRs) whose X-Forwarded-For is believed for the client address; none by default. */
  trustedProxies: string[];
  /** Request-log rows older than this many days are deleted in the background; 0 keeps them forever. */
  logRetentionDays: number;
  /** Response cache size bound in bytes; 0 turns the cache off. Per process. */
  cacheMaxBytes: number;
  cacheTtlMs: number;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

const integerFromText = (minimum: number, maximum: number) =>
  z
    .string()
    .trim()
    .regex(/^\d+$/, 'must be a whole number')
    .transform(Number)
    .pipe(z.number().int().min(minimum, `must be at least ${minimum}`).max(maximum, `must be at most ${maximum}`));

const optionalText = z
  .string()
  .trim()
  .optional()
  .transform((value) => (value === '' ? undefined : value));

const commaList = z
  .string()
  .optional()
  .transform((value) =>
    (value ?? '')
      .split(',')
      .map((item) => item.trim())
      .filter((item) => item.length > 0),
  );

const originPattern = /^https?:\/\/[^/\s]+$/;

function isAddressOrRange(entry: string): boolean {
  const [address = '', bits, extra] = entry.split('/');
  const family = isIP(address);
  if (family === 0 || extra !== undefined) return false;
  if (bits === undefined) return true;
  const prefix = Number(bits);
  return /^\d+$/.test(bits) && prefix >= 0 && prefix <= (family === 4 ? 32 : 128);
}

const environmentSchema = z
  .object({
    GATEWAY_HOST: z.string().trim().min(1, 'must not be empty').default('127.0.0.1'),
    GATEWAY_PORT: integerFromText(0, 65535).default(8080),
    GATEWAY_DATA_DIR: z.string().trim().min(1, 'must not be empty').default('./data'),
    DATABASE_URL: optionalText.refine(
      (value) => value === undefined || /^(mysql|mariadb|sqlite):/.test(value),
      'must start with mysql://, mariadb:// or sqlite:',
    ),
    GATEWAY_MASTER_KEY: optionalText,
    GATEWAY_RETIRED_MASTER_KEYS: commaList,
    GATEWAY_ADMIN_TOKEN: optionalText.refine(
      (value) => value === undefined || value.length >= 24,
      'must be at least 24 characters',
    ),
    GATEWAY_CORS_ORIGINS: commaList.refine(
      (origins) => origins.every((origin) => origin === '*' || originPattern.test(origin)),
      'must be a comma-separated list of origins such as https://app.example.com (scheme://host[:port], no path) or *',
    ),
    GATEWAY_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    GATEWAY_TLS_CERT_FILE: optionalText,
    GATEWAY_TLS_KEY_FILE: optionalText,
    GATEWAY_HEADERS_TIMEOUT_MS: integerFromText(100, 600_000).default(10_000),
    GATEWAY_IDLE_TIMEOUT_MS: integerFromText(100, 3_600_000).default(65_000),
    GATEWAY_SHUTDOWN_GRACE_MS: integerFromText(0, 600_000).default(10_000),
    GATEWAY_BODY_LIMIT_BYTES: integerFromText(1024, 1024 * 1024 * 1024).default(20 * 1024 * 1024),
    GATEWAY_LOG_RETENTION_DAYS: integerFromText(0, 36_500).default(30),
    GATEWAY_CACHE_MAX_BYTES: integerFromText(0, 64 * 1024 * 1024 * 1024).default(64 * 1024 * 1024),
    GATEWAY_CACHE_TTL_SECONDS: integerFromText(1, 30 * 24 * 3600).default(300),
    GATEWAY_TRUSTED_PROXIES: commaList.refine(
      (entries) => entries.every((entry) => isAddressOrRange(entry)),
      'must be a comma-separated list of IP addresses or CIDR ranges, e.g. 10.0.0.0/8, 127.0.0.1',
    ),
  });

/** Reads the gateway's variables from `environment` (process.env by default). */
export function loadConfig(environment: NodeJS.ProcessEnv = process.env): GatewayConfig {
  const parsed = environmentSchema.safeParse(environment);
  // Never echo a received value in a problem: it may be a secret.
  const problems = parsed.success
    ? []
    : parsed.error.issues.map((issue) => `${String(issue.path[0] ?? 'environment')}: ${issue.message}`);
  const hasCert = Boolean(environment.GATEWAY_TLS_CERT_FILE?.trim());
  const hasKey = Boolean(environment.GATEWAY_TLS_KEY_FILE?.trim());
  if (hasCert !== hasKey) {
    problems.push(`${hasCert ? 'GATEWAY_TLS_KEY_FILE' : 'GATEWAY_TLS_CERT_FILE'}: GATEWAY_TLS_CERT_FILE and GATEWAY_TLS_KEY_FILE must be set together`);
  }
  if (!parsed.success || problems.length > 0) throw new ConfigError(problems);
  const values = parsed.data;
  return {
    host: values.GATEWAY_HOST,
    port: values.GATEWAY_PORT,
    dataDir: values.GATEWAY_DATA_DIR,
    databaseUrl: values.DATABASE_URL,
    masterKey: values.GATEWAY_MASTER_KEY,
    retiredMasterKeys: values.GATEWAY_RETIRED_MASTER_KEYS,
    adminToken: values.GATEWAY_ADMIN_TOKEN,
    corsOrigins: values.GATEWAY_CORS_ORIGINS,
    logLevel: values.GATEWAY_LOG_LEVEL,
    tls:
      values.GATEWAY_TLS_CERT_FILE !== undefined && values.GATEWAY_TLS_KEY_FILE !== undefined
        ? { certFile: values.GATEWAY_TLS_CERT_FILE, keyFile: values.GATEWAY_TLS_KEY_FILE }
        : undefined,
    headersTimeoutMs: values.GATEWAY_HEADERS_TIMEOUT_MS,
    idleTimeoutMs: values.GATEWAY_IDLE_TIMEOUT_MS,
    shutdownGraceMs: values.GATEWAY_SHUTDOWN_GRACE_MS,
    bodyLimitBytes: values.GATEWAY_BODY_LIMIT_BYTES,
    trustedProxies: values.GATEWAY_TRUSTED_PROXIES,
    logRetentionDays: values.GATEWAY_LOG_RETENTION_DAYS,
    cacheMaxBytes: values.GATEWAY_CACHE_MAX_BYTES,
    cacheTtlMs: values.GATEWAY_CACHE_TTL_SECONDS * 1000,
  };
}
