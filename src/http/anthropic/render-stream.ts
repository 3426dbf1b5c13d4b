// Canonical StreamChunks → Anthropic stream events, one canonical chunk in,
// zero or more events out at once (nothing is held back):
//   start → message_start (+ ping)
//   text / reasoning / tool-call deltas → content_block_start,
//     content_block_delta (text_delta, thinking_delta, signature_delta,
//     input_json_delta), content_block_stop — one block at a time, indexes
//     from 0 in order, as Anthropic streams them;
//   finish / usage / route / warning → remembered;
// and end() → (last block stop) message_delta (stop_reason, stop_sequence,
// cumulative usage) → message_stop.
// A thinking block ends with a signature_delta: the upstream's (Anthropic), or
// a marked one naming the producing provider (reasoning-signature.ts) so the
// block can go back to the right family on the next turn.
import { FinishReason, type StreamChunk, type Usage } from '../../../gen/llmgateway/v1/chat_pb.js';
import { StreamFacts } from '../stream-facts.js';
import { encodeToolCallId } from '../tool-call-id.js';
import type { AnthropicBlockDelta, AnthropicContentBlock, AnthropicStreamEvent } from './anthropic-wire.js';
import { encodeReasoningSignature } from './reasoning-signature.js';
import { messageId, renderDeltaUsage, renderStopReason, renderUsage, stopSequenceFor } from './render-response.js';

export interface StreamRendererOptions {
  stopSequences: readonly string[];
}

type OpenBlock =
  | { kind: 'text' | 'tool' | 'redacted'; index: number }
  | { kind: 'thinking'; index: number; providerType: string };

export class StreamRenderer extends StreamFacts {
  private started = false;
  private id = '';
  private model = '';
  private nextIndex = 0;
  private open: OpenBlock | null = null;
  /** Canonical tool-call index → content block index. */
  private readonly toolBlocks = new Map<number, number>();
  private finish: { reason: FinishReason; raw: string; stopSequence: string } | undefined;
  private usage: Usage | undefined;

  constructor(private readonly options: StreamRendererOptions) {
    super();
  }

  push(chunk: StreamChunk): AnthropicStreamEvent[] {
    // Anthropic has one answer per request; the shim never asks for more.
    if (chunk.choiceIndex !== 0) return [];
    if (this.note(chunk)) return [];
    const event = chunk.event;
    switch (event.case) {
      case 'start':
        this.id = event.value.id;
        this.model = event.value.model;
        return this.start();
      case 'textDelta': {
        if (event.value.text === '') return [];
        const out = this.start();
        if (this.open?.kind !== 'text') out.push(...this.openBlock('text', { type: 'text', text: '', citations: null }));
        out.push(this.delta({ type: 'text_delta', text: event.value.text }));
        return out;
      }
      case 'reasoningDelta':
        return this.reasoning(event.value);
      case 'toolCallStart': {
        const out = this.start();
        const id = encodeToolCallId(event.value.id, event.value.signature);
        const block: AnthropicContentBlock = { type: 'tool_use', id, name: event.value.name, input: {}, caller: { type: 'direct' } };
        out.push(...this.openBlock('tool', block));
        this.toolBlocks.set(event.value.index, this.open!.index);
        return out;
      }
      case 'toolCallDelta': {
        const index = this.toolBlocks.get(event.value.index);
        if (index === undefined || event.value.argumentsDelta === '') return [];
        // Normally the open block; a late fragment of an earlier call still names its own block.
        return [{ type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: event.value.argumentsDelta } }];
      }
      case 'finish':
        this.finish = { reason: event.value.reason, raw: event.value.rawReason, stopSequence: event.value.stopSequence };
        return [...this.start(), ...this.closeBlock()];
      case 'usage':
        this.usage = event.value;
        return this.start();
      default:
        return [];
    }
  }

  /** After the last canonical chunk: close the open block, then message_delta and message_stop. */
  end(): AnthropicStreamEvent[] {
    const out = [...this.start(), ...this.closeBlock()];
    const stopReason = renderStopReason(this.finish?.reason ?? FinishReason.STOP, this.finish?.raw ?? '', this.toolBlocks.size > 0);
    out.push({
      type: 'message_delta',
      delta: { stop_reason: stopReason, stop_sequence: stopSequenceFor(stopReason, this.finish?.stopSequence ?? '', this.options.stopSequences), stop_details: null, container: null },
      usage: renderDeltaUsage(this.usage),
    });
    out.push({ type: 'message_stop' });
    return out;
  }

  private start(): AnthropicStreamEvent[] {
    if (this.started) return [];
    this.started = true;
    const message = {
      id: messageId(this.id),
      type: 'message' as const,
      role: 'assistant' as const,
      model: this.model,
      content: [],
      stop_reason: null,
      stop_sequence: null,
      stop_details: null,
      container: null,
      // The input side is known only at the end (message_delta carries it).
      usage: renderUsage(undefined),
    };
    return [{ type: 'message_start', message }, { type: 'ping' }];
  }

  private reasoning(value: { text: string; signature: string; redactedData: string; providerType: string }): AnthropicStreamEvent[] {
    const out = this.start();
    if (value.redactedData !== '') {
      // Opaque and complete at once.
      out.push(...this.openBlock('redacted', { type: 'redacted_thinking', data: value.redactedData }), ...this.closeBlock());
      return out;
    }
    if (value.text === '' && value.signature === '') return out;
    if (this.open?.kind !== 'thinking') {
      out.push(...this.openBlock('thinking', { type: 'thinking', thinking: '', signature: '' }));
    }
    const block = this.open as Extract<OpenBlock, { kind: 'thinking' }>;
    if (value.providerType !== '') block.providerType = value.providerType;
    if (value.text !== '') out.push(this.delta({ type: 'thinking_delta', thinking: value.text }));
    if (value.signature !== '') {
      // A signature closes the reasoning part (chat.proto ReasoningDelta).
      out.push(this.delta({ type: 'signature_delta', signature: encodeReasoningSignature(block.providerType, value.signature) }));
      out.push(this.stop(block.index));
    }
    return out;
  }

  private openBlock(kind: OpenBlock['kind'], contentBlock: AnthropicContentBlock): AnthropicStreamEvent[] {
    const out = this.closeBlock();
    const index = this.nextIndex++;
    this.open = kind === 'thinking' ? { kind, index, providerType: '' } : { kind, index };
    out.push({ type: 'content_block_start', index, content_block: contentBlock });
    return out;
  }

  private closeBlock(): AnthropicStreamEvent[] {
    const block = this.open;
    if (!block) return [];
    const out: AnthropicStreamEvent[] = [];
    if (block.kind === 'thinking') {
      // No signature came (another family's reasoning): mark its origin.
      const signature = encodeReasoningSignature(block.providerType, '');
      if (signature !== '') out.push(this.delta({ type: 'signature_delta', signature }));
    }
    out.push(this.stop(block.index));
    return out;
  }

  private stop(index: number): AnthropicStreamEvent {
    this.open = null;
    return { type: 'content_block_stop', index };
  }

  private delta(delta: AnthropicBlockDelta): AnthropicStreamEvent {
    return { type: 'content_block_delta', index: this.open?.index ?? this.nextIndex - 1, delta };
  }
}
