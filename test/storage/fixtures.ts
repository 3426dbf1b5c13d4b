// Record builders for the storage tests.
import { createHash } from 'node:crypto';
import type { ProviderRecord } from '../../src/domain/provider.js';
import type { RequestLogRecord } from '../../src/domain/request-log.js';
import type { RouteRecord } from '../../src/domain/route.js';
import type { VirtualKeyRecord } from '../../src/domain/virtual-key.js';

/** 2^31 seconds expressed in milliseconds, plus a bit: past the 32-bit epoch-seconds limit. */
export const BEYOND_2038_MS = 2 ** 31 * 1000 + 123;
export const YEAR_9999_MS = 253_402_300_799_999;

export function hashOf(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

export function makeProvider(overrides: Partial<ProviderRecord> = {}): ProviderRecord {
  return {
    id: 'prov-1',
    name: 'Primary OpenAI',
    type: 'openai',
    baseUrl: 'https://api.example.test/v1',
    apiKeyCiphertext: 'v1.key-1.ciphertext==',
    apiKeyLast4: 'abcd',
    extraHeaders: { 'x-team': 'platform' },
    enabled: true,
    models: [
      {
        upstreamModel: 'gpt-4o',
        alias: 'smart',
        enabled: true,
        deployment: '',
        prices: { inputPerMillion: 2.5, outputPerMillion: 10, cachedInputPerMillion: 1.25, cacheWritePerMillion: 0 },
      },
      { upstreamModel: 'gpt-4o-mini', alias: '', enabled: false, deployment: 'mini-dep', prices: null },
    ],
    azureApiVersion: '',
    createdAt: BEYOND_2038_MS,
    updatedAt: BEYOND_2038_MS + 1,
    ...overrides,
  };
}

export function makeKey(overrides: Partial<VirtualKeyRecord> = {}): VirtualKeyRecord {
  const id = overrides.id ?? 'key-1';
  return {
    id,
    name: `Key ${id}`,
    secretHash: hashOf(`secret-${id}`),
    secretPrefix: 'gw-',
    secretLast4: 'wxyz',
    previousSecretHash: null,
    previousSecretExpiresAt: null,
    enabled: true,
    expiresAt: null,
    revokedAt: null,
    allowedModels: ['gpt-4o', 'claude-*'],
    rateLimits: { requestsPerMinute: 60, tokensPerMinute: 100_000, concurrentRequests: 4 },
    budget: null,
    cacheEnabled: false,
    logRequestBodies: false,
    metadata: { team: 'search' },
    createdAt: 1_700_000_000_000,
    updatedAt: 1_700_000_000_000,
    ...overrides,
  };
}

export function makeRoute(overrides: Partial<RouteRecord> = {}): RouteRecord {
  return {
    name: 'smart',
    description: 'The smart tier',
    strategy: 'priority',
    targets: [
      { providerId: 'prov-1', upstreamModel: 'gpt-4o', route: '', weight: 1 },
      { providerId: '', upstreamModel: '', route: 'fallback', weight: 3 },
    ],
    settings: {
      maxRetries: 1,
      backoffBaseMs: 200,
      backoffCapMs: 5_000,
      attemptTimeoutMs: 60_000,
      totalDeadlineMs: 180_000,
      failoverStatuses: [408, 429, 500, 502, 503, 504, 529],
      affinityScope: 'key',
      affinityTtlMs: 600_000,
      maxRetryAfterMs: 10_000,
    },
    enabled: true,
    createdAt: 1_700_000_000_000,
    updatedAt: 1_700_000_000_001,
    ...overrides,
  };
}

/** Follows nextCursor until the last page; fails on a cursor loop. */
export async function collectPages<T>(
  fetchPage: (cursor: string | null) => Promise<{ items: T[]; nextCursor: string | null }>,
): Promise<{ items: T[]; pageCount: number }> {
  const items: T[] = [];
  const seenCursors = new Set<string>();
  let cursor: string | null = null;
  let pageCount = 0;
  do {
    const page = await fetchPage(cursor);
    items.push(...page.items);
    pageCount += 1;
    cursor = page.nextCursor;
    if (cursor !== null) {
      if (seenCursors.has(cursor)) throw new Error('pagination returned the same cursor twice');
      seenCursors.add(cursor);
    }
  } while (cursor !== null);
  return { items, pageCount };
}

export function makeRequestLog(overrides: Partial<RequestLogRecord> = {}): RequestLogRecord {
  return {
    id: 'req-1',
    time: 1_764_115_200_000, // 2025-11-26T00:00:00Z
    keyId: 'key-1',
    requestedModel: 'smart',
    route: 'smart',
    expert: '',
    providerId: 'prov-1',
    upstreamModel: 'gpt-4o',
    surface: 'openai',
    operation: 'chat',
    stream: false,
    status: 'ok',
    errorKind: '',
    errorMessage: '',
    attempts: 1,
    attemptTrail: [],
    cacheHit: false,
    inputTokens: 100,
    outputTokens: 20,
    cachedInputTokens: 0,
    cacheWriteTokens: 0,
    cacheWrite1hTokens: 0,
    reasoningTokens: 0,
    estimated: false,
    costUsd: 0.00045,
    latencyMs: 850,
    ttftMs: null,
    clientIp: '127.0.0.1',
    userAgent: 'OpenAI/JS 6.49.0',
    requestId: 'client-request-1',
    traceId: '',
    requestBody: null,
    responseBody: null,
    ...overrides,
  };
}
