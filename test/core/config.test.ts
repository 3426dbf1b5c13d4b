import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/config.js';

function problemsOf(environment: Record<string, string>): string[] {
  try {
    loadConfig(environment);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('configuration from the environment', () => {
  it('has the documented defaults', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      host: '127.0.0.1',
      port: 8080,
      dataDir: './data',
      databaseUrl: undefined,
      masterKey: undefined,
      adminToken: undefined,
      corsOrigins: [],
      logLevel: 'info',
      tls: undefined,
      workers: 1,
      keyCacheTtlMs: 30_000,
      keyStaleMaxMs: 3_600_000,
      requestLogBufferMax: 50_000,
      http2MaxConcurrentStreams: 100,
      maxInFlightRequests: 1024,
      tracing: undefined,
    });
  });

  it('turns tracing on with an OTLP endpoint (the standard OTEL_* variables), content off unless asked', () => {
    expect(loadConfig({ GATEWAY_TRACE_CONTENT: 'true' }).tracing).toBeUndefined();
    expect(loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/' }).tracing).toEqual({
      tracesUrl: 'http://collector:4318/v1/traces',
      content: false,
      sampler: { parentBased: true, ratio: 1 },
      batch: { scheduledDelayMs: 5_000, maxQueueSize: 2_048 },
    });
    // A per-signal endpoint is used as given and wins.
    const traced = loadConfig({
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318',
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://traces.example.com/otlp/v1/traces',
      OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
      OTEL_TRACES_SAMPLER_ARG: '0.25',
      OTEL_BSP_SCHEDULE_DELAY: '200',
      GATEWAY_TRACE_CONTENT: 'true',
    }).tracing;
    expect(traced).toMatchObject({ tracesUrl: 'https://traces.example.com/otlp/v1/traces', content: true, sampler: { parentBased: true, ratio: 0.25 } });
    expect(traced?.batch.scheduledDelayMs).toBe(200);
    expect(loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_TRACES_SAMPLER: 'always_off' }).tracing?.sampler).toEqual({ parentBased: false, ratio: 0 });
    // Switched off the standard ways.
    expect(loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_SDK_DISABLED: 'true' }).tracing).toBeUndefined();
    expect(loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_TRACES_EXPORTER: 'none' }).tracing).toBeUndefined();
  });

  it('refuses tracing settings it cannot honour, naming each variable', () => {
    const problems = problemsOf({
      OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318',
      OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc',
      OTEL_TRACES_EXPORTER: 'zipkin',
      OTEL_TRACES_SAMPLER: 'sometimes',
      GATEWAY_TRACE_CONTENT: 'yes',
    }).join('\n');
    for (const name of ['OTEL_EXPORTER_OTLP_ENDPOINT', 'OTEL_EXPORTER_OTLP_PROTOCOL', 'OTEL_TRACES_EXPORTER', 'OTEL_TRACES_SAMPLER', 'GATEWAY_TRACE_CONTENT']) {
      expect(problems).toContain(name);
    }
    expect(problemsOf({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_TRACES_SAMPLER: 'traceidratio', OTEL_TRACES_SAMPLER_ARG: '2' }).join('\n')).toContain('OTEL_TRACES_SAMPLER_ARG');
  });

  it('reads the outage settings: key cache TTL, how stale a key may be served, the request-log buffer', () => {
    const config = loadConfig({ GATEWAY_KEY_CACHE_TTL_MS: '500', GATEWAY_KEY_STALE_MAX_MS: '0', GATEWAY_REQUEST_LOG_BUFFER_MAX: '200000' });
    expect(config).toMatchObject({ keyCacheTtlMs: 500, keyStaleMaxMs: 0, requestLogBufferMax: 200_000 });
    const problems = problemsOf({ GATEWAY_KEY_CACHE_TTL_MS: '0', GATEWAY_KEY_STALE_MAX_MS: 'forever', GATEWAY_REQUEST_LOG_BUFFER_MAX: '10' }).join('\n');
    for (const name of ['GATEWAY_KEY_CACHE_TTL_MS', 'GATEWAY_KEY_STALE_MAX_MS', 'GATEWAY_REQUEST_LOG_BUFFER_MAX']) expect(problems).toContain(name);
  });

  it("reads the circuit breakers' settings: unset leaves the breaker's defaults; bad values are refused", () => {
    expect(loadConfig({}).breaker).toEqual({});
    expect(loadConfig({ GATEWAY_BREAKER_FAILURES: '3', GATEWAY_BREAKER_COOL_DOWN_MS: '5000' }).breaker).toEqual({ consecutiveFailures: 3, coolDownMs: 5000 });
    expect(loadConfig({ GATEWAY_BREAKER_COOL_DOWN_MS: '0' }).breaker).toEqual({ coolDownMs: 0 });
    const problems = problemsOf({ GATEWAY_BREAKER_FAILURES: '0', GATEWAY_BREAKER_COOL_DOWN_MS: 'soon' }).join('\n');
    for (const name of ['GATEWAY_BREAKER_FAILURES', 'GATEWAY_BREAKER_COOL_DOWN_MS']) expect(problems).toContain(name);
  });

  it('reads how long a client has to send its whole request (default 60 s); bad values are refused', () => {
    expect(loadConfig({}).requestTimeoutMs).toBe(60_000);
    expect(loadConfig({ GATEWAY_REQUEST_TIMEOUT_MS: '15000' }).requestTimeoutMs).toBe(15_000);
    expect(problemsOf({ GATEWAY_REQUEST_TIMEOUT_MS: '50' })).toEqual(['GATEWAY_REQUEST_TIMEOUT_MS: must be at least 100']);
    // The whole request cannot take less than its headers: refused, not raised behind the operator's back.
    expect(problemsOf({ GATEWAY_REQUEST_TIMEOUT_MS: '5000' })).toEqual(['GATEWAY_REQUEST_TIMEOUT_MS: must be at least GATEWAY_HEADERS_TIMEOUT_MS (10000)']);
    expect(loadConfig({ GATEWAY_HEADERS_TIMEOUT_MS: '300', GATEWAY_REQUEST_TIMEOUT_MS: '500' }).requestTimeoutMs).toBe(500);
    // Unset, it follows a headers timeout longer than its default.
    expect(loadConfig({ GATEWAY_HEADERS_TIMEOUT_MS: '120000' }).requestTimeoutMs).toBe(120_000);
  });

  it('reads how long a stream may wait on a silent upstream after its first chunk (default 300 s); bad values are refused', () => {
    expect(loadConfig({}).streamIdleTimeoutMs).toBe(300_000);
    expect(loadConfig({ GATEWAY_STREAM_IDLE_TIMEOUT_MS: '30000' }).streamIdleTimeoutMs).toBe(30_000);
    expect(problemsOf({ GATEWAY_STREAM_IDLE_TIMEOUT_MS: '50' })).toEqual(['GATEWAY_STREAM_IDLE_TIMEOUT_MS: must be at least 100']);
  });

  it('reads how long health-check runs are kept (default 30 days, 0 keeps them)', () => {
    expect(loadConfig({}).healthCheckRetentionDays).toBe(30);
    expect(loadConfig({ GATEWAY_HEALTH_CHECK_RETENTION_DAYS: '7' }).healthCheckRetentionDays).toBe(7);
    expect(loadConfig({ GATEWAY_HEALTH_CHECK_RETENTION_DAYS: '0' }).healthCheckRetentionDays).toBe(0);
    expect(problemsOf({ GATEWAY_HEALTH_CHECK_RETENTION_DAYS: 'a week' })).toEqual(['GATEWAY_HEALTH_CHECK_RETENTION_DAYS: must be a whole number']);
  });

  it('reads the metrics settings: scrape token, port, key labels, estimate sample rate', () => {
    expect(loadConfig({}).metrics).toEqual({ token: undefined, port: undefined, keyLabels: false, estimateSampleRate: 0 });
    const config = loadConfig({
      GATEWAY_METRICS_TOKEN: 'scrape-token-0123456789abcdefgh',
      GATEWAY_METRICS_PORT: '9464',
      GATEWAY_METRICS_KEY_LABELS: 'true',
      GATEWAY_METRICS_ESTIMATE_SAMPLE_RATE: '0.05',
    });
    expect(config.metrics).toEqual({ token: 'scrape-token-0123456789abcdefgh', port: 9464, keyLabels: true, estimateSampleRate: 0.05 });
    const problems = problemsOf({
      GATEWAY_METRICS_TOKEN: 'short-secret-value',
      GATEWAY_METRICS_PORT: '8080',
      GATEWAY_METRICS_KEY_LABELS: 'yes',
      GATEWAY_METRICS_ESTIMATE_SAMPLE_RATE: '1.5',
    }).join('\n');
    for (const name of ['GATEWAY_METRICS_TOKEN', 'GATEWAY_METRICS_PORT: must differ', 'GATEWAY_METRICS_KEY_LABELS', 'GATEWAY_METRICS_ESTIMATE_SAMPLE_RATE']) {
      expect(problems).toContain(name);
    }
    // Never the secret itself.
    expect(problems).not.toContain('short-secret-value');
  });

  it('reads every variable', () => {
    const config = loadConfig({
      GATEWAY_HOST: '0.0.0.0',
      GATEWAY_PORT: '9090',
      GATEWAY_DATA_DIR: '/var/lib/gateway',
      DATABASE_URL: 'mysql://gw:pw@db:3306/gateway',
      GATEWAY_MASTER_KEY: 'a'.repeat(64),
      GATEWAY_RETIRED_MASTER_KEYS: `${'b'.repeat(64)}, ${'c'.repeat(64)}`,
      GATEWAY_ADMIN_TOKEN: 'admin-token-that-is-long-enough',
      GATEWAY_CORS_ORIGINS: 'https://app.example.com, http://localhost:5173',
      GATEWAY_LOG_LEVEL: 'debug',
      GATEWAY_TLS_CERT_FILE: '/etc/tls/cert.pem',
      GATEWAY_TLS_KEY_FILE: '/etc/tls/key.pem',
      GATEWAY_TRUSTED_PROXIES: '10.0.0.0/8, 127.0.0.1, ::1',
      GATEWAY_WORKERS: '3',
      GATEWAY_HTTP2_MAX_CONCURRENT_STREAMS: '250',
      GATEWAY_MAX_IN_FLIGHT_REQUESTS: '0',
      GATEWAY_RPC_FAST_PATH: 'off',
    });
    expect(config.rpcFastPath).toBe(false);
    expect(config.workers).toBe(3);
    expect(config.http2MaxConcurrentStreams).toBe(250);
    expect(config.maxInFlightRequests).toBe(0);
    expect(config.trustedProxies).toEqual(['10.0.0.0/8', '127.0.0.1', '::1']);
    expect(config.port).toBe(9090);
    expect(config.retiredMasterKeys).toHaveLength(2);
    expect(config.corsOrigins).toEqual(['https://app.example.com', 'http://localhost:5173']);
    expect(config.tls).toEqual({ certFile: '/etc/tls/cert.pem', keyFile: '/etc/tls/key.pem' });
  });

  it('reports every bad value at once, by name, without echoing secrets', () => {
    const problems = problemsOf({
      GATEWAY_PORT: '70000',
      GATEWAY_LOG_LEVEL: 'loud',
      DATABASE_URL: 'postgres://user:hunter2hunter2@db/x',
      GATEWAY_ADMIN_TOKEN: 'short-secret',
      GATEWAY_CORS_ORIGINS: 'https://ok.example, not a url',
      GATEWAY_TLS_CERT_FILE: '/cert.pem',
      GATEWAY_HEADERS_TIMEOUT_MS: 'soon',
      GATEWAY_TRUSTED_PROXIES: '10.0.0.0/33',
      GATEWAY_WORKERS: '0',
      GATEWAY_HTTP2_MAX_CONCURRENT_STREAMS: '0',
      GATEWAY_MAX_IN_FLIGHT_REQUESTS: '-1',
      GATEWAY_RPC_FAST_PATH: 'fast',
    });
    const text = problems.join('\n');
    for (const name of [
      'GATEWAY_PORT',
      'GATEWAY_LOG_LEVEL',
      'DATABASE_URL',
      'GATEWAY_ADMIN_TOKEN',
      'GATEWAY_CORS_ORIGINS',
      'GATEWAY_TLS_KEY_FILE',
      'GATEWAY_HEADERS_TIMEOUT_MS',
      'GATEWAY_TRUSTED_PROXIES',
      'GATEWAY_WORKERS',
      'GATEWAY_HTTP2_MAX_CONCURRENT_STREAMS',
      'GATEWAY_MAX_IN_FLIGHT_REQUESTS',
      'GATEWAY_RPC_FAST_PATH',
    ]) {
      expect(text).toContain(name);
    }
    expect(text).not.toContain('hunter2');
    expect(text).not.toContain('short-secret');
  });

  it('trims values, treats blank optional values as unset and refuses blank required ones', () => {
    const config = loadConfig({ GATEWAY_PORT: ' 9090 ', DATABASE_URL: '  ', GATEWAY_CORS_ORIGINS: ' , https://a.example ,', GATEWAY_CACHE_TTL_SECONDS: '60' });
    expect(config).toMatchObject({ port: 9090, databaseUrl: undefined, corsOrigins: ['https://a.example'], cacheTtlMs: 60_000 });
    expect(problemsOf({ GATEWAY_HOST: ' ', GATEWAY_PORT: '', GATEWAY_IDLE_TIMEOUT_MS: '99' })).toEqual([
      'GATEWAY_HOST: must not be empty',
      'GATEWAY_PORT: must be a whole number',
      'GATEWAY_IDLE_TIMEOUT_MS: must be at least 100',
    ]);
  });

  it('reads GATEWAY_CONFIG_FILE as an absolute path, unset when blank', () => {
    expect(loadConfig({}).configFile).toBeUndefined();
    expect(loadConfig({ GATEWAY_CONFIG_FILE: '  ' }).configFile).toBeUndefined();
    expect(loadConfig({ GATEWAY_CONFIG_FILE: 'conf/gateway.yaml' }).configFile).toBe(path.resolve('conf/gateway.yaml'));
    expect(loadConfig({ GATEWAY_CONFIG_FILE: '/etc/llm-gateway/gateway.yaml' }).configFile).toBe('/etc/llm-gateway/gateway.yaml');
  });
});
