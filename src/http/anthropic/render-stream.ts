// Canonical StreamChunks → Anthropic stream events, one canonical chunk in,
// zero or more events out at once:
//   start, inputUsage → remembered; the first chunk after them that carries
//     output → message_start (+ ping) first, its usage the input side when
//     the upstream told it before the output (Anthropic, Gemini), else 0 (an
//     OpenAI-family upstream counts the input only at the end);
//   text / reasoning / tool-call deltas → content_block_start,
//     content_block_delta (text_delta, thinking_delta, signature_delta,
//     input_json_delta), content_block_stop — one block at a time, indexes
//     from 0 in order, as Anthropic streams them;
//   finish / usage / route / warning → remembered;
// and end() → (last block stop) message_delta (stop_reason, stop_sequence,
// cumulative usage, the input side included) → message_stop.
// message_start waits for the upstream's first output at no cost: the
// response opens with that output anyway (../sse-stream.ts).
// Only one thing is held back: a tool call that starts while the open call's
// arguments are not yet a whole JSON value, which happens when an upstream
// interleaves its calls' fragments (OpenAI names each fragment's call by
// index). A block is final at its content_block_stop
// (https://docs.anthropic.com/en/docs/build-with-claude/streaming), so the
// later call waits, its fragments kept, and goes out whole once the open one
// is complete (or at the finish). Calls that come one after another stream
// fragment by fragment.
// A thinking block ends with a signature_delta: the upstream's (Anthropic), or
// a marked one naming the producing provider (reasoning-signature.ts) so the
// block can go back to the right family on the next turn.
import { FinishReason, type InputUsage, type StreamChunk, type Usage } from '../../../gen/llmgateway/v1/chat_pb.js';
import { StreamFacts } from '../stream-facts.js';
import { encodeToolCallId } from '../tool-call-id.js';
import type { AnthropicBlockDelta, AnthropicContentBlock, AnthropicStreamEvent } from './anthropic-wire.js';
import { JsonCompleteness } from '../json-completeness.js';
import { encodeReasoningSignature } from './reasoning-signature.js';
import { messageId, renderDeltaUsage, renderStartUsage, renderStopReason, stopSequenceFor } from './render-response.js';

export interface StreamRendererOptions {
  stopSequences: readonly string[];
}

interface ToolCall {
  /** Its content_block_start's block. */
  block: AnthropicContentBlock;
  /** Its content block index, once opened. */
  index: number | undefined;
  /** Argument fragments that came while it waited to open. */
  held: string[];
  arguments: JsonCompleteness;
}

type OpenBlock =
  | { kind: 'text' | 'redacted'; index: number }
  | { kind: 'tool'; index: number; call: ToolCall }
  | { kind: 'thinking'; index: number; providerType: string };

const inputDelta = (fragment: string): AnthropicBlockDelta => ({ type: 'input_json_delta', partial_json: fragment });

export class StreamRenderer extends StreamFacts {
  private started = false;
  private id = '';
  private model = '';
  private nextIndex = 0;
  private open: OpenBlock | null = null;
  /** By canonical tool-call index. */
  private readonly toolCalls = new Map<number, ToolCall>();
  /** Calls that started while the open call's arguments were incomplete, in order. */
  private readonly waitingCalls: ToolCall[] = [];
  private finish: { reason: FinishReason; raw: string; stopSequence: string } | undefined;
  private usage: Usage | undefined;
  private inputUsage: InputUsage | undefined;

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
        return [];
      case 'inputUsage':
        this.inputUsage = event.value;
        return [];
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
        const call: ToolCall = { block, index: undefined, held: [], arguments: new JsonCompleteness() };
        this.toolCalls.set(event.value.index, call);
        const openIncomplete = this.open?.kind === 'tool' && !this.open.call.arguments.complete;
        if (openIncomplete || this.waitingCalls.length > 0) this.waitingCalls.push(call);
        else out.push(...this.openTool(call));
        return out;
      }
      case 'toolCallDelta':
        return this.toolFragment(this.toolCalls.get(event.value.index), event.value.argumentsDelta);
      case 'finish':
        this.finish = { reason: event.value.reason, raw: event.value.rawReason, stopSequence: event.value.stopSequence };
        return [...this.start(), ...this.closeAll()];
      case 'usage':
        this.usage = event.value;
        return this.start();
      default:
        return [];
    }
  }

  /** After the last canonical chunk: close the open block, then message_delta and message_stop. */
  end(): AnthropicStreamEvent[] {
    const out = [...this.start(), ...this.closeAll()];
    const stopReason = renderStopReason(this.finish?.reason ?? FinishReason.STOP, this.finish?.raw ?? '', this.toolCalls.size > 0);
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
      // Unknown until the end when no input usage came: message_delta carries the totals either way.
      usage: renderStartUsage(this.inputUsage),
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

  private toolFragment(call: ToolCall | undefined, fragment: string): AnthropicStreamEvent[] {
    if (!call || fragment === '') return [];
    call.arguments.add(fragment);
    if (call.index === undefined) {
      call.held.push(fragment);
      return [];
    }
    if (this.open?.kind === 'tool' && this.open.call === call) {
      const out = [this.delta(inputDelta(fragment))];
      if (call.arguments.complete && this.waitingCalls.length > 0) out.push(...this.releaseWaitingCalls());
      return out;
    }
    // A fragment after its block stopped: its arguments were already whole (whitespace adds nothing), or another
    // kind of block came between. Still sent under its own block, for clients that apply deltas by index.
    if (fragment.trim() === '') return [];
    return [{ type: 'content_block_delta', index: call.index, delta: inputDelta(fragment) }];
  }

  /** The calls that waited, in order, each with its fragments so far; the first still incomplete stays open and streams on. */
  private releaseWaitingCalls(): AnthropicStreamEvent[] {
    const out: AnthropicStreamEvent[] = [];
    for (let call = this.waitingCalls.shift(); call; call = this.waitingCalls.shift()) {
      out.push(...this.openTool(call));
      if (!call.arguments.complete) break;
    }
    return out;
  }

  private openTool(call: ToolCall): AnthropicStreamEvent[] {
    const out = this.closeBlock();
    const index = (call.index = this.nextIndex++);
    this.open = { kind: 'tool', index, call };
    out.push({ type: 'content_block_start', index, content_block: call.block });
    for (const fragment of call.held) out.push(this.delta(inputDelta(fragment)));
    call.held = [];
    return out;
  }

  private openBlock(kind: Exclude<OpenBlock['kind'], 'tool'>, contentBlock: AnthropicContentBlock): AnthropicStreamEvent[] {
    // Another kind of block ends the calls: those that waited go out first, each whole.
    const out = this.closeAll();
    const index = this.nextIndex++;
    this.open = kind === 'thinking' ? { kind, index, providerType: '' } : { kind, index };
    out.push({ type: 'content_block_start', index, content_block: contentBlock });
    return out;
  }

  /** The calls that waited (each whole), then the open block, closed. */
  private closeAll(): AnthropicStreamEvent[] {
    const out: AnthropicStreamEvent[] = [];
    for (let call = this.waitingCalls.shift(); call; call = this.waitingCalls.shift()) out.push(...this.openTool(call));
    out.push(...this.closeBlock());
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
