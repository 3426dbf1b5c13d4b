// Shared helpers for the response-cache tests: deferred promises, a fake
// clock and a controllable upstream stream.
import { create, type MessageInitShape } from '@bufbuild/protobuf';
import {
  ChatResponseSchema,
  FinishReason,
  Role,
  StreamChunkSchema,
  type ChatResponse,
  type StreamChunk,
} from '../../gen/llmgateway/v1/chat_pb.js';

export interface Deferred<T> {
  promise: Promise<T>;
  resolve(value: T): void;
  reject(error: unknown): void;
}

export function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Lets every pending microtask / promise callback run. */
export const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

export function fakeClock(start = 1_000) {
  let time = start;
  return {
    now: () => time,
    advance(ms: number) {
      time += ms;
    },
  };
}

export function sampleResponse(text = 'Hello there.', id = 'gen-1'): ChatResponse {
  return create(ChatResponseSchema, {
    id,
    created: { seconds: 1_700_000_000n, nanos: 5 },
    model: 'gpt',
    choices: [
      {
        index: 0,
        message: { role: Role.ASSISTANT, content: [{ kind: { case: 'text', value: { text } } }] },
        finishReason: FinishReason.STOP,
        rawFinishReason: 'stop',
      },
    ],
    usage: { inputTokens: 10, outputTokens: 3, totalTokens: 13, cachedInputTokens: 2, costUsd: 0.0042 },
    route: {
      providerId: 'openai',
      providerType: 'openai',
      upstreamModel: 'gpt-4o',
      attempts: [{ providerId: 'openai', upstreamModel: 'gpt-4o', outcome: 'ok', upstreamStatus: 200 }],
    },
    warnings: [{ code: 'unsupported_parameter', param: 'top_k', message: 'dropped' }],
  });
}

type ChunkEvent = MessageInitShape<typeof StreamChunkSchema>['event'];
const chunk = (event: ChunkEvent, choiceIndex = 0) => create(StreamChunkSchema, { choiceIndex, event });

/** A complete stream as the completion core produces it: start, route, deltas, finish, usage, route. */
export function sampleStream(text = 'Hi'): StreamChunk[] {
  const route = (outcome: string) => ({
    providerId: 'anthropic',
    providerType: 'anthropic',
    upstreamModel: 'claude-x',
    route: 'smart',
    attempts: [{ providerId: 'anthropic', upstreamModel: 'claude-x', outcome, upstreamStatus: 200 }],
  });
  return [
    chunk({ case: 'start', value: { id: 'gen-s', created: { seconds: 1_700_000_000n }, model: 'smart' } }),
    chunk({ case: 'route', value: route('streaming') }),
    chunk({ case: 'reasoningDelta', value: { text: 'Think', providerType: 'anthropic' } }),
    chunk({ case: 'reasoningDelta', value: { signature: 'sig-1' } }),
    chunk({ case: 'textDelta', value: { text } }),
    chunk({ case: 'textDelta', value: { text: '!' } }),
    chunk({ case: 'toolCallStart', value: { index: 0, id: 'call-1', name: 'f' } }),
    chunk({ case: 'toolCallDelta', value: { index: 0, argumentsDelta: '{"x":1}' } }),
    chunk({ case: 'warning', value: { code: 'unsupported_parameter', param: 'seed' } }),
    chunk({ case: 'finish', value: { reason: FinishReason.TOOL_CALLS, rawReason: 'tool_use' } }),
    chunk({ case: 'usage', value: { inputTokens: 12, outputTokens: 7, reasoningTokens: 2, totalTokens: 19, costUsd: 0.0123 } }),
    chunk({ case: 'route', value: route('ok') }),
  ];
}

type Item = { chunk: StreamChunk } | { end: true } | { error: unknown };

/**
 * An upstream stream driven by the test: `push` chunks, then `end()` or `fail()`. Like an SDK stream, a
 * pending read rejects with the signal's reason when its signal aborts.
 */
export class FakeUpstream {
  opened = 0;
  signals: AbortSignal[] = [];
  /** The generator's finally ran (ended, failed, or returned). */
  closed = 0;
  private readonly queue: Item[] = [];
  private wake: (() => void) | undefined;

  readonly open = (signal: AbortSignal): AsyncIterable<StreamChunk> => {
    this.opened += 1;
    this.signals.push(signal);
    return this.run(signal);
  };

  push(...chunks: StreamChunk[]): this {
    for (const item of chunks) this.queue.push({ chunk: item });
    this.poke();
    return this;
  }

  end(): this {
    this.queue.push({ end: true });
    this.poke();
    return this;
  }

  fail(error: unknown): this {
    this.queue.push({ error });
    this.poke();
    return this;
  }

  private poke() {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }

  private async *run(signal: AbortSignal): AsyncGenerator<StreamChunk> {
    try {
      for (;;) {
        while (this.queue.length === 0) {
          await new Promise<void>((resolve, reject) => {
            if (signal.aborted) return reject(signal.reason);
            const onAbort = () => reject(signal.reason);
            signal.addEventListener('abort', onAbort, { once: true });
            this.wake = () => {
              signal.removeEventListener('abort', onAbort);
              resolve();
            };
          });
        }
        const item = this.queue.shift()!;
        if ('end' in item) return;
        if ('error' in item) throw item.error;
        yield item.chunk;
      }
    } finally {
      this.closed += 1;
    }
  }
}

export async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}

/** Reads an async iterable step by step. */
export function reader<T>(iterable: AsyncIterable<T>) {
  const iterator = iterable[Symbol.asyncIterator]();
  return {
    async take(count: number): Promise<T[]> {
      const out: T[] = [];
      for (let index = 0; index < count; index += 1) {
        const result = await iterator.next();
        if (result.done) throw new Error(`stream ended after ${out.length} of ${count}`);
        out.push(result.value);
      }
      return out;
    },
    async rest(): Promise<T[]> {
      const out: T[] = [];
      for (;;) {
        const result = await iterator.next();
        if (result.done) return out;
        out.push(result.value);
      }
    },
    next: () => iterator.next(),
    stop: () => iterator.return?.(),
  };
}
