// Chat Completions stream chunks → canonical StreamChunks, one upstream chunk
// in, its events out at once (never batched). Stateful only where the wire
// format forces it: tool calls are keyed by index (and, for Ollama, which
// sends every call whole at index 0, by id), finish needs to know whether a
// call was seen, and usage is kept until the end (last value wins:
// docs/provider-wire-formats.md, Pitfall 6). A chunk's log probabilities
// ride on its text deltas (map-logprobs.ts). The service tier OpenAI names on
// every chunk goes out at once as input usage (no tokens: OpenAI counts them
// only at the end), so that a surface can name it from its first chunk on.
import { create, type MessageInitShape } from '@bufbuild/protobuf';
import type { ChoiceLogprobs, StreamChunk, Usage } from '../../../gen/llmgateway/v1/chat_pb.js';
import { StreamChunkSchema } from '../../../gen/llmgateway/v1/chat_pb.js';
import type { StreamEnd } from '../shared/stream-chunks.js';
import { createToolCallIds, type ToolCallIds } from '../shared/tool-call-ids.js';
import { isJsonObject, UpstreamFault } from '../shared/upstream-fault.js';
import { isCutShort, mapFinishReason } from './map-finish-reason.js';
import { mapLogprobs } from './map-logprobs.js';
import { reasoningText } from './map-response.js';
import { mapUsage } from './map-usage.js';
import type { OpenAIFamily, WireChatChunk, WireChunkDelta, WireToolCallDelta } from './wire-types.js';

interface ChoiceState {
  /** Upstream tool-call index → the call currently open at that index. */
  openCalls: Map<number, { index: number; id: string }>;
  nextToolIndex: number;
  sawContent: boolean;
  sawRefusal: boolean;
  finished: boolean;
}

type ChunkEvent = MessageInitShape<typeof StreamChunkSchema>['event'];

export class StreamMapper {
  private readonly choices = new Map<number, ChoiceState>();
  private usage: Usage | undefined;
  private cutShort: string | undefined;
  private serviceTier = '';
  /** Until an event with output went out: the tier is told as input usage only before it. */
  private leading = true;

  constructor(
    private readonly family: OpenAIFamily,
    /** Some hosts stream calls without ids: those get ids unique in the conversation. */
    private readonly ids: ToolCallIds = createToolCallIds(),
  ) {}

  map(chunk: WireChatChunk): StreamChunk[] {
    checkChunk(chunk);
    const out: StreamChunk[] = [];
    if (typeof chunk.service_tier === 'string' && chunk.service_tier !== '') {
      if (this.leading && this.serviceTier === '') out.push(create(StreamChunkSchema, { event: { case: 'inputUsage', value: { serviceTier: chunk.service_tier } } }));
      this.serviceTier = chunk.service_tier;
    }
    // Azure opens with `choices: []` (prompt_filter_results) and repeats such
    // chunks mid-stream; the usage chunk has `choices: []` too (Pitfall 9).
    for (const [position, choice] of (chunk.choices ?? []).entries()) {
      const choiceIndex = choice.index ?? position;
      const state = this.stateFor(choiceIndex);
      const emit = (event: ChunkEvent) => out.push(create(StreamChunkSchema, { choiceIndex, event }));
      // Azure annotation chunks carry content_filter_results and no delta.
      const tokens = mapLogprobs(choice.logprobs);
      if (choice.delta || tokens) this.mapDelta(choice.delta ?? {}, tokens, state, emit);
      if (choice.finish_reason && !state.finished) {
        state.finished = true;
        // An answer the host cut short gets no finish: the adapter fails the stream at its end (usage read).
        if (isCutShort(choice.finish_reason)) {
          this.cutShort ??= choice.finish_reason;
          continue;
        }
        const finish = mapFinishReason(choice.finish_reason, {
          sawToolCalls: state.nextToolIndex > 0,
          refusedOnly: state.sawRefusal && !state.sawContent,
        });
        emit({ case: 'finish', value: { reason: finish.reason, rawReason: finish.raw } });
      }
    }
    if (chunk.usage) this.usage = mapUsage(chunk.usage, this.serviceTier);
    if (this.leading && out.some((event) => event.event.case !== 'inputUsage')) this.leading = false;
    return out;
  }

  /**
   * `doneMarker`: the host ended the stream with `data: [DONE]`. Then a choice it never named a finish_reason
   * for (llama-cpp-python, LocalAI) is finished all the same — stop, or tool_calls after a call — with an empty
   * raw reason; a stream that only closed stays incomplete (truncated).
   */
  end({ doneMarker = false }: { doneMarker?: boolean } = {}): StreamEnd {
    const chunks: StreamChunk[] = [];
    if (doneMarker) {
      for (const [choiceIndex, state] of this.choices) {
        if (state.finished) continue;
        state.finished = true;
        const { reason } = mapFinishReason('stop', { sawToolCalls: state.nextToolIndex > 0, refusedOnly: state.sawRefusal && !state.sawContent });
        chunks.push(create(StreamChunkSchema, { choiceIndex, event: { case: 'finish', value: { reason, rawReason: '' } } }));
      }
    }
    const states = [...this.choices.values()];
    const complete = states.length > 0 && states.every((state) => state.finished);
    if (this.usage) chunks.push(create(StreamChunkSchema, { event: { case: 'usage', value: this.usage } }));
    return { complete, chunks, ...(this.cutShort === undefined ? {} : { cutShort: this.cutShort }) };
  }

  private stateFor(choiceIndex: number): ChoiceState {
    let state = this.choices.get(choiceIndex);
    if (!state) {
      state = { openCalls: new Map(), nextToolIndex: 0, sawContent: false, sawRefusal: false, finished: false };
      this.choices.set(choiceIndex, state);
    }
    return state;
  }

  /** The chunk's tokens (logprobs) ride on its text: content tokens with the content, refusal tokens with the refusal. */
  private mapDelta(delta: WireChunkDelta, tokens: ChoiceLogprobs | undefined, state: ChoiceState, emit: (event: ChunkEvent) => void): void {
    const reasoning = reasoningText(delta);
    if (reasoning) emit({ case: 'reasoningDelta', value: { text: reasoning, providerType: this.family } });
    if (delta.content || tokens?.content.length) {
      if (delta.content) state.sawContent = true;
      emit({ case: 'textDelta', value: { text: delta.content ?? '', logprobs: tokens?.content ?? [] } });
    }
    if (delta.refusal || tokens?.refusal.length) {
      if (delta.refusal) state.sawRefusal = true;
      emit({ case: 'textDelta', value: { text: delta.refusal ?? '', refusal: true, logprobs: tokens?.refusal ?? [] } });
    }
    for (const [position, call] of (delta.tool_calls ?? []).entries()) {
      this.mapToolCallDelta(call, position, state, emit);
    }
  }

  private mapToolCallDelta(
    call: WireToolCallDelta,
    position: number,
    state: ChoiceState,
    emit: (event: ChunkEvent) => void,
  ): void {
    const upstreamIndex = call.index ?? position;
    const open = state.openCalls.get(upstreamIndex);
    let target = open;
    // A new id at a known index is a new call (Ollama); the same id repeated is a continuation.
    if (!open || (call.id && call.id !== open.id)) {
      const index = state.nextToolIndex++;
      target = { index, id: this.ids(call.id) };
      state.openCalls.set(upstreamIndex, target);
      emit({ case: 'toolCallStart', value: { index, id: target.id, name: call.function?.name ?? '' } });
    }
    const fragment = call.function?.arguments;
    if (target && fragment) emit({ case: 'toolCallDelta', value: { index: target.index, argumentsDelta: fragment } });
  }
}

/** An event is a chunk object whose `choices`, when present, are objects (whatever else a host adds). */
function checkChunk(chunk: unknown): void {
  const choices = isJsonObject(chunk) ? chunk['choices'] : null;
  if (choices === undefined || (Array.isArray(choices) && choices.every(isJsonObject))) return;
  throw new UpstreamFault('malformed_event', 'not a chat.completion.chunk');
}
