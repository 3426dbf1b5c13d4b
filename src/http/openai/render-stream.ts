// Canonical StreamChunks → OpenAI `chat.completion.chunk` objects, one
// canonical chunk in, zero or more OpenAI chunks out at once (nothing is held
// back). Each choice opens with `delta: {role: "assistant", content: ""}`;
// a tool call's id, type and name come only in its first delta, keyed by
// index (the id carries the signed reasoning before it, reasoning-carrier.ts);
// usage is kept for the final `choices: []` chunk, sent only when the client
// asked for it (stream_options.include_usage). A text delta's log
// probabilities go on its chunk (render-logprobs.ts). The service tier, once
// the upstream named it (input usage, before the output), goes on every chunk;
// so the first choice opens with its first output, not at the start.
import type { StreamChunk, Usage } from '../../../gen/llmgateway/v1/chat_pb.js';
import type { OpenAIChatCompletionChunk, OpenAIChoiceLogprobs, OpenAIChunkChoice, OpenAIChunkDelta } from './openai-wire.js';
import { renderDeltaLogprobs } from './render-logprobs.js';
import { renderFinishReason, renderUsage, unixSeconds } from './render-response.js';
import { StreamFacts } from '../stream-facts.js';
import { openAIServiceTier } from '../service-tier-names.js';
import { encodeToolCallId } from '../tool-call-id.js';
import { ReasoningCarrier } from './reasoning-carrier.js';

export interface StreamRendererOptions {
  includeUsage: boolean;
}

export class StreamRenderer extends StreamFacts {
  private id = '';
  private created = Math.floor(Date.now() / 1000);
  private model = '';
  private readonly openedChoices = new Set<number>();
  /** Per choice: tool-call index → whether any arguments were sent. */
  private readonly calls = new Map<number, Map<number, boolean>>();
  private readonly carriers = new Map<number, ReasoningCarrier>();
  private usage: Usage | undefined;
  private serviceTier: string | undefined;

  constructor(private readonly options: StreamRendererOptions) {
    super();
  }

  push(chunk: StreamChunk): OpenAIChatCompletionChunk[] {
    if (this.note(chunk)) return [];
    const event = chunk.event;
    const index = chunk.choiceIndex;
    switch (event.case) {
      case 'start':
        this.id = event.value.id;
        this.created = unixSeconds(event.value.created);
        this.model = event.value.model;
        return [];
      case 'inputUsage':
        this.serviceTier = openAIServiceTier(event.value.serviceTier) ?? this.serviceTier;
        return [];
      case 'textDelta': {
        this.carrierOf(index).interrupt();
        const { text, refusal, logprobs } = event.value;
        if (!text && logprobs.length === 0) return [];
        const delta = !text ? {} : refusal ? { refusal: text } : { content: text };
        // The delta's tokens ride on the same chunk, as OpenAI streams them.
        return [...this.open(index), this.delta(index, delta, renderDeltaLogprobs(logprobs, refusal))];
      }
      case 'reasoningDelta':
        this.carrierOf(index).addDelta(event.value);
        return event.value.text ? [...this.open(index), this.delta(index, { reasoning_content: event.value.text })] : [];
      case 'toolCallStart': {
        this.callsOf(index).set(event.value.index, false);
        const call = {
          index: event.value.index,
          // Signed reasoning before the call rides in its id (reasoning-carrier.ts).
          id: encodeToolCallId(event.value.id, event.value.signature, this.carrierOf(index).take()),
          type: 'function' as const,
          function: { name: event.value.name, arguments: '' },
        };
        return [...this.open(index), this.delta(index, { tool_calls: [call] })];
      }
      case 'toolCallDelta': {
        if (!event.value.argumentsDelta) return [];
        this.callsOf(index).set(event.value.index, true);
        const call = { index: event.value.index, function: { arguments: event.value.argumentsDelta } };
        return [...this.open(index), this.delta(index, { tool_calls: [call] })];
      }
      case 'finish': {
        const out = this.open(index);
        // A call that never got arguments still needs valid JSON for the client to parse.
        for (const [callIndex, hasArguments] of this.callsOf(index)) {
          if (!hasArguments) out.push(this.delta(index, { tool_calls: [{ index: callIndex, function: { arguments: '{}' } }] }));
        }
        out.push(this.chunk([{ index, delta: {}, logprobs: null, finish_reason: renderFinishReason(event.value.reason, event.value.rawReason) }]));
        return out;
      }
      case 'usage':
        this.usage = event.value;
        this.serviceTier = openAIServiceTier(event.value.serviceTier) ?? this.serviceTier;
        return [];
      default:
        return [];
    }
  }

  /** After the last canonical chunk: the usage chunk, when asked for and known. */
  end(): OpenAIChatCompletionChunk[] {
    if (!this.options.includeUsage || !this.usage) return [];
    return [{ ...this.chunk([]), usage: renderUsage(this.usage) }];
  }

  private open(index: number): OpenAIChatCompletionChunk[] {
    if (this.openedChoices.has(index)) return [];
    this.openedChoices.add(index);
    return [this.delta(index, { role: 'assistant', content: '' })];
  }

  private callsOf(index: number): Map<number, boolean> {
    let calls = this.calls.get(index);
    if (!calls) {
      calls = new Map();
      this.calls.set(index, calls);
    }
    return calls;
  }

  private carrierOf(index: number): ReasoningCarrier {
    let carrier = this.carriers.get(index);
    if (!carrier) {
      carrier = new ReasoningCarrier();
      this.carriers.set(index, carrier);
    }
    return carrier;
  }

  private delta(index: number, delta: OpenAIChunkDelta, logprobs: OpenAIChoiceLogprobs | null = null): OpenAIChatCompletionChunk {
    return this.chunk([{ index, delta, logprobs, finish_reason: null }]);
  }

  private chunk(choices: OpenAIChunkChoice[]): OpenAIChatCompletionChunk {
    const chunk: OpenAIChatCompletionChunk = { id: this.id, object: 'chat.completion.chunk', created: this.created, model: this.model, choices };
    if (this.options.includeUsage) chunk.usage = null;
    if (this.serviceTier) chunk.service_tier = this.serviceTier;
    return chunk;
  }
}
