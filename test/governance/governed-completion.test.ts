// The composition of the steps, with fake steps around a fake pipeline: the
// order of entering and ending, a refusal, streams lazy and chunk by chunk,
// a client that stops reading, and the operations passed through ungoverned.
import { create } from '@bufbuild/protobuf';
import { describe, expect, it } from 'vitest';
import { EmbedResponseSchema } from '../../gen/llmgateway/v1/completion_service_pb.js';
import type { StreamChunk } from '../../gen/llmgateway/v1/chat_pb.js';
import type { CompletionCore } from '../../src/core/completion/completion-core.js';
import { composeGovernance } from '../../src/core/governance/governed-completion.js';
import { createInFlightCalls } from '../../src/core/governance/in-flight-calls.js';
import type { CallOutcome, GovernanceStep } from '../../src/core/governance/governance-step.js';
import { GatewayError } from '../../src/domain/gateway-error.js';
import { sampleResponse, sampleStream } from '../cache/helpers.js';
import { chatRequest, testKey } from './step-fakes.js';

function fakeCore(log: string[]): CompletionCore {
  return {
    complete: async () => (log.push('core.complete'), sampleResponse()),
    async *stream() {
      for (const chunk of sampleStream()) {
        log.push(`core.chunk:${chunk.event.case}`);
        yield chunk;
      }
    },
    embed: async () => create(EmbedResponseSchema, { model: 'e' }),
    media: async () => {
      throw new Error('unused');
    },
    countTokens: async () => {
      throw new Error('unused');
    },
    listModels: async () => [],
    plan: async () => {
      throw new Error('unused');
    },
    planInMemory: () => {
      throw new Error('unused');
    },
  };
}

function recordingStep(name: string, log: string[], ends: Array<[string, CallOutcome['status'], unknown]>, refuse = false): GovernanceStep {
  return {
    enter(call, outcome) {
      log.push(`${name}.enter`);
      if (refuse) throw new GatewayError('resource_exhausted', `${name} refused`);
      outcome.report.cache = 'miss';
      return { end: (ended) => void ends.push([name, ended.status, ended.error]) };
    },
  };
}

const call = () => ({ request: chatRequest(), key: testKey(), signal: new AbortController().signal });

describe('governed completion: the steps composed', () => {
  it('enters in order, ends in reverse, and returns the report with the response', async () => {
    const log: string[] = [];
    const ends: Array<[string, CallOutcome['status'], unknown]> = [];
    const governed = composeGovernance(fakeCore(log), [recordingStep('a', log, ends), recordingStep('b', log, ends)]);
    const { response, report } = await governed.complete(call());
    expect(response.id).toBe('gen-1');
    expect(report.cache).toBe('miss');
    expect(log).toEqual(['a.enter', 'b.enter', 'core.complete']);
    expect(ends).toEqual([['b', 'ok', undefined], ['a', 'ok', undefined]]);
  });

  it('a step that only records ends behind the answer: after the caller handled it and the other steps ended', async () => {
    const order: string[] = [];
    const inFlight = createInFlightCalls();
    const recorder: GovernanceStep = { enter: () => ({ endsBehindAnswer: true, end: (ended) => void order.push(`recorder.end:${ended.status}`) }) };
    const settler: GovernanceStep = { enter: () => ({ end: () => void order.push('settler.end') }) };
    const governed = composeGovernance(fakeCore([]), [recorder, settler], Date.now, inFlight);
    await governed.complete(call()).then(() => order.push('caller handled the answer'));
    expect(order).toEqual(['settler.end', 'caller handled the answer']);
    // Still in flight until its row is recorded: shutdown waits for it before flushing the request log.
    expect(inFlight.size).toBe(1);
    await new Promise((resolve) => process.nextTick(resolve));
    expect(order).toEqual(['settler.end', 'caller handled the answer', 'recorder.end:ok']);
    expect(inFlight.size).toBe(0);
  });

  it('a refusing step: the steps before it end as failed, the later ones never enter, no upstream call', async () => {
    const log: string[] = [];
    const ends: Array<[string, CallOutcome['status'], unknown]> = [];
    const governed = composeGovernance(fakeCore(log), [
      recordingStep('a', log, ends),
      recordingStep('b', log, ends, true),
      recordingStep('c', log, ends),
    ]);
    await expect(governed.embed({ ...call(), request: {} as never })).rejects.toThrow('b refused');
    expect(log).toEqual(['a.enter', 'b.enter']);
    expect(ends).toMatchObject([['a', 'failed', { message: 'b refused' }]]);
  });

  it('a stream is lazy, passes each chunk on as it arrives, and has its report filled by the first chunk', async () => {
    const log: string[] = [];
    const ends: Array<[string, CallOutcome['status'], unknown]> = [];
    const governed = composeGovernance(fakeCore(log), [recordingStep('a', log, ends)]);
    const streamed = governed.stream(call());
    expect(log).toEqual([]);
    const iterator = streamed.chunks[Symbol.asyncIterator]();
    const first = (await iterator.next()).value as StreamChunk;
    expect(first.event.case).toBe('start');
    expect(log).toEqual(['a.enter', 'core.chunk:start']);
    expect(streamed.report.cache).toBe('miss');
    while (!(await iterator.next()).done);
    expect(ends).toEqual([['a', 'ok', undefined]]);
  });

  it('a client that stops reading: the steps end with a canceled failure', async () => {
    const log: string[] = [];
    const ends: Array<[string, CallOutcome['status'], unknown]> = [];
    const governed = composeGovernance(fakeCore(log), [recordingStep('a', log, ends)]);
    for await (const chunk of governed.stream(call()).chunks) if (chunk.event.case === 'route') break;
    expect(ends).toHaveLength(1);
    expect(ends[0]![1]).toBe('failed');
    expect(ends[0]![2]).toMatchObject({ kind: 'canceled' });
  });

  it('countTokens, listModels and plan are the pipeline’s own (not governed)', () => {
    const core = fakeCore([]);
    const governed = composeGovernance(core, []);
    expect(governed.countTokens).toBe(core.countTokens);
    expect(governed.listModels).toBe(core.listModels);
    expect(governed.plan).toBe(core.plan);
  });
});
