// Test doubles for the dispatcher: a fake clock whose timers fire only when
// the test drives them, a seeded random, planned targets, and fake upstreams
// that follow a script of outcomes per target.
import { create } from '@bufbuild/protobuf';
import { FinishSchema, InputUsageSchema, StreamChunkSchema, TextDeltaSchema, WarningSchema, type StreamChunk } from '../../gen/llmgateway/v1/chat_pb.js';
import type { CatalogProvider } from '../../src/core/completion/provider-catalog.js';
import { GatewayError } from '../../src/domain/gateway-error.js';
import type { Sleep } from '../../src/core/routing/abort-utils.js';
import { DEFAULT_ROUTE_SETTINGS, type PlannedTarget, type RoutePlan } from '../../src/core/routing/route-plan.js';
import type { RouteSettingsRecord, RouteStrategyName } from '../../src/domain/route.js';

interface Timer {
  at: number;
  seq: number;
  ms: number;
  fire(): void;
}

export class FakeClock {
  time = 1_000_000;
  /** Every sleep asked for, in ms (backoff waits, attempt timeouts, deadlines). */
  readonly requested: number[] = [];
  private timers: Timer[] = [];
  private seq = 0;

  readonly now = (): number => this.time;

  readonly sleep: Sleep = (ms, signal) =>
    new Promise<void>((resolve, reject) => {
      this.requested.push(ms);
      if (signal.aborted) {
        reject(signal.reason);
        return;
      }
      const timer: Timer = {
        at: this.time + Math.max(0, ms),
        seq: this.seq++,
        ms,
        fire: () => {
          signal.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      const onAbort = () => {
        this.timers = this.timers.filter((other) => other !== timer);
        reject(signal.reason);
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.timers.push(timer);
    });

  get pending(): number {
    return this.timers.length;
  }

  /** Moves time to the earliest timer and fires it; false when none is pending. */
  fireNext(): boolean {
    const next = [...this.timers].sort((left, right) => left.at - right.at || left.seq - right.seq)[0];
    if (!next) return false;
    this.timers = this.timers.filter((timer) => timer !== next);
    this.time = Math.max(this.time, next.at);
    next.fire();
    return true;
  }

  advance(ms: number): void {
    this.time += ms;
  }
}

export const flush = async (): Promise<void> => {
  for (let index = 0; index < 3; index += 1) await new Promise<void>((resolve) => setImmediate(resolve));
};

/** Runs `promise` to completion, firing fake timers only when nothing else can make progress. */
export async function drive<T>(clock: FakeClock, promise: Promise<T>, maxTimers = 10_000): Promise<T> {
  let settled = false;
  promise.then(
    () => (settled = true),
    () => (settled = true),
  );
  for (let fired = 0; fired <= maxTimers; fired += 1) {
    await flush();
    if (settled) return promise;
    if (!clock.fireNext()) throw new Error('stuck: the promise waits on something other than the fake clock');
  }
  throw new Error('too many timers');
}

export async function collect(chunks: AsyncIterable<StreamChunk>): Promise<StreamChunk[]> {
  const all: StreamChunk[] = [];
  for await (const chunk of chunks) all.push(chunk);
  return all;
}

/** mulberry32: a small seeded PRNG. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
}

export function target(providerId: string, upstreamModel = 'm', weight = 1): PlannedTarget {
  const provider: CatalogProvider = {
    record: {
      id: providerId,
      name: providerId,
      type: 'openai-compatible',
      baseUrl: 'http://127.0.0.1:1',
      apiKeyCiphertext: '',
      apiKeyLast4: '',
      extraHeaders: {},
      enabled: true,
      models: [{ upstreamModel, alias: '', enabled: true, deployment: '', prices: null }],
      azureApiVersion: '',
      createdAt: 0,
      updatedAt: 0,
    },
    connection: { id: providerId, type: 'openai-compatible', baseUrl: '', apiKey: '', extraHeaders: {}, azureApiVersion: '' },
    adapter: () => {
      throw new Error('the dispatcher tests never call a real adapter');
    },
  };
  return {
    key: `${providerId}/${upstreamModel}`,
    provider,
    model: provider.record.models[0]!,
    target: { upstreamModel, deployment: '' },
    weight,
  };
}

export function plan(
  targets: PlannedTarget[],
  options: { strategy?: RouteStrategyName; routeName?: string; affinityKey?: string; settings?: Partial<RouteSettingsRecord> } = {},
): RoutePlan {
  return {
    routeName: options.routeName ?? 'smart',
    strategy: options.strategy ?? 'priority',
    targets,
    settings: { ...DEFAULT_ROUTE_SETTINGS, ...options.settings },
    affinityKey: options.affinityKey ?? '',
  };
}

/**
 * Outcomes: 'ok'; '400', '500', '503', '529' (HTTP errors); '429' or '429:<seconds>' (rate limited, with a
 * retry-after); 'reset' (connection error, no HTTP answer); 'hang' (never answers until aborted).
 * Streams also: 'pre-stream' (a warning, then the stream breaks before any content), 'mid-stream' (one
 * text chunk, then it breaks), 'empty' (opens, sends nothing until aborted), 'ends-empty' (opens and
 * ends at once), 'warn-ok' (a warning, then content), 'input-ok' (the input usage, then content),
 * 'input-break' (the input usage, then it breaks before any content: an Anthropic upstream's message_start
 * followed by an overloaded error).
 */
export type Outcome = string;

export class FakeUpstreams {
  readonly calls = new Map<string, number>();
  /** Signals of calls that ended by abort, by target key. */
  readonly aborted = new Map<string, number>();
  private readonly scripts: Map<string, Outcome[]>;

  constructor(scripts: Record<string, Outcome[]>) {
    this.scripts = new Map(Object.entries(scripts));
  }

  callsTo(key: string): number {
    return this.calls.get(key) ?? 0;
  }

  get totalCalls(): number {
    return [...this.calls.values()].reduce((sum, count) => sum + count, 0);
  }

  /** The next scripted outcome; the last one repeats. */
  private next(key: string): Outcome {
    const count = this.callsTo(key);
    this.calls.set(key, count + 1);
    const script = this.scripts.get(key) ?? ['ok'];
    return script[Math.min(count, script.length - 1)] ?? 'ok';
  }

  readonly call = async (planned: PlannedTarget, signal: AbortSignal): Promise<string> => {
    const outcome = this.next(planned.key);
    if (outcome === 'ok') return `answer from ${planned.key}`;
    if (outcome === 'hang') return this.hang(planned.key, signal);
    throw failure(outcome, planned.key);
  };

  readonly open = (planned: PlannedTarget, signal: AbortSignal): AsyncIterable<StreamChunk> => {
    const outcome = this.next(planned.key);
    return this.streamOf(outcome, planned.key, signal);
  };

  private async *streamOf(outcome: Outcome, key: string, signal: AbortSignal): AsyncGenerator<StreamChunk> {
    switch (outcome) {
      case 'ok':
      case 'warn-ok':
      case 'input-ok':
        if (outcome === 'warn-ok') yield warning(`from ${key}`);
        if (outcome === 'input-ok') yield inputUsage(7);
        yield text(`hello from ${key}`);
        yield text(' and more');
        yield finish();
        return;
      case 'pre-stream':
        yield warning(`from ${key}`);
        throw new GatewayError('unavailable', `${key} broke before any content`, { retryable: true, upstreamStatus: 200 });
      case 'input-break':
        yield inputUsage(5);
        throw new GatewayError('unavailable', `${key} overloaded before any content`, { retryable: true, upstreamStatus: 200 });
      case 'mid-stream':
        yield text(`hello from ${key}`);
        throw new GatewayError('unavailable', `${key} broke mid-stream`, { retryable: true, upstreamStatus: 200 });
      case 'stall':
        yield text(`hello from ${key}`);
        await this.hang(key, signal);
        return;
      case 'empty':
      case 'hang':
        await this.hang(key, signal);
        return;
      case 'ends-empty':
        return;
      default:
        throw failure(outcome, key);
    }
  }

  private hang(key: string, signal: AbortSignal): Promise<never> {
    return new Promise<never>((_, reject) => {
      const onAbort = () => {
        this.aborted.set(key, (this.aborted.get(key) ?? 0) + 1);
        reject(new GatewayError('canceled', `the call to ${key} was canceled`));
      };
      if (signal.aborted) onAbort();
      else signal.addEventListener('abort', onAbort, { once: true });
    });
  }
}

export function failure(outcome: Outcome, key: string): GatewayError {
  const [code, retryAfter] = outcome.split(':');
  const status = Number(code);
  if (outcome === 'reset') return new GatewayError('unavailable', `${key}: connection reset`, { retryable: true, upstreamStatus: 0 });
  if (status === 429) {
    return new GatewayError('resource_exhausted', `${key}: rate limited`, {
      retryable: true,
      upstreamStatus: 429,
      ...(retryAfter === undefined ? {} : { retryAfterSeconds: Number(retryAfter) }),
    });
  }
  if (status >= 500) return new GatewayError('unavailable', `${key}: HTTP ${status}`, { retryable: true, upstreamStatus: status });
  if (status === 400) return new GatewayError('invalid_argument', `${key}: HTTP 400`, { upstreamStatus: 400 });
  throw new Error(`unknown scripted outcome ${outcome}`);
}

const chunk = (event: StreamChunk['event']) => create(StreamChunkSchema, { event });
export const text = (value: string) => chunk({ case: 'textDelta', value: create(TextDeltaSchema, { text: value }) });
export const warning = (message: string) => chunk({ case: 'warning', value: create(WarningSchema, { code: 'unsupported', message }) });
export const inputUsage = (inputTokens: number) => chunk({ case: 'inputUsage', value: create(InputUsageSchema, { inputTokens }) });
export const finish = () => chunk({ case: 'finish', value: create(FinishSchema, { rawReason: 'stop' }) });

export const textOf = (chunks: StreamChunk[]): string =>
  chunks.map((item) => (item.event.case === 'textDelta' ? item.event.value.text : '')).join('');
