// Anthropic stream events → canonical StreamChunks, one event in, zero or more
// chunks out at once (never batched). The upstream sequence is
//   message_start → (content_block_start → content_block_delta* →
//   content_block_stop)* → message_delta → message_stop, with `ping` anywhere.
// State kept: which content block is which tool call (the canonical tool index
// is the order of tool_use blocks, not the content block index), whether a
// tool block got any argument fragment, the stop reason (and the stop sequence
// it names) and the cumulative usage (last value wins). message_start's input
// side goes out at once as `inputUsage`; `finish` and `usage` go out at
// message_stop; a stream without message_stop is the caller's to
// report as broken, and one whose events come without a message_start (a lone
// message_stop) is broken at once: it holds no message, not an empty one.
import { create, type MessageInitShape } from '@bufbuild/protobuf';
import { StreamChunkSchema, type StreamChunk } from '../../../gen/llmgateway/v1/chat_pb.js';
import { warningChunk, type StreamEnd } from '../shared/stream-chunks.js';
import { isJsonObject, UpstreamFault } from '../shared/upstream-fault.js';
import type { AnthropicStreamEvent } from './anthropic-client.js';
import { ANTHROPIC_PROVIDER_TYPE } from './family.js';
import { mapFinishReason } from './map-finish-reason.js';
import { unsupportedBlock } from './map-response.js';
import { mapInputUsage, mapUsage, mergeCumulativeUsage, type AnthropicUsageFields } from './map-usage.js';

type ChunkEvent = MessageInitShape<typeof StreamChunkSchema>['event'];
type StartedBlock = Extract<AnthropicStreamEvent, { type: 'content_block_start' }>['content_block'];
type BlockDelta = Extract<AnthropicStreamEvent, { type: 'content_block_delta' }>['delta'];

/** The object each event type carries, read without further checks below. */
const OBJECT_FIELD: Record<string, string> = {
  message_start: 'message',
  content_block_start: 'content_block',
  content_block_delta: 'delta',
  message_delta: 'delta',
};

/** What may come before message_start (an error event is thrown below as it is). */
const BEFORE_START = new Set(['message_start', 'ping', 'error']);

interface ToolBlockState {
  index: number;
  sawArguments: boolean;
}

export class StreamMapper {
  private readonly toolBlocks = new Map<number, ToolBlockState>();
  private nextToolIndex = 0;
  private stopReason: string | null = null;
  private stopSequence = '';
  private usage: AnthropicUsageFields = {};
  private sawUsage = false;
  private started = false;
  private ended = false;

  /** After the last event: complete once message_stop arrived (finish and usage went out with it). */
  end(): StreamEnd {
    return { complete: this.ended, chunks: [] };
  }

  map(event: AnthropicStreamEvent | { type: string }): StreamChunk[] {
    if (!isJsonObject(event) || typeof event.type !== 'string') throw new UpstreamFault('malformed_event', 'an event without a type');
    const field = OBJECT_FIELD[event.type];
    if (field !== undefined && !isJsonObject((event as Record<string, unknown>)[field])) throw new UpstreamFault('malformed_event', `an event without its ${field}`);
    const typed = event as AnthropicStreamEvent;
    if (!this.started && !BEFORE_START.has(event.type)) {
      throw new UpstreamFault('truncated_stream', 'no message_start');
    }
    switch (typed.type) {
      case 'message_start': {
        this.started = true;
        const usage = typed.message.usage;
        this.recordUsage(usage);
        // The input side is final here (https://docs.anthropic.com/en/docs/build-with-claude/streaming): known before any delta.
        return usage ? [chunk({ case: 'inputUsage', value: mapInputUsage(usage) })] : [];
      }
      case 'content_block_start':
        return this.blockStart(typed.index, typed.content_block);
      case 'content_block_delta':
        return this.blockDelta(typed.index, typed.delta);
      case 'content_block_stop':
        return this.blockStop(typed.index);
      case 'message_delta':
        if (typed.delta.stop_reason !== null && typed.delta.stop_reason !== undefined) this.stopReason = typed.delta.stop_reason;
        if (typeof typed.delta.stop_sequence === 'string') this.stopSequence = typed.delta.stop_sequence;
        this.recordUsage(typed.usage);
        return [];
      case 'message_stop': {
        this.ended = true;
        const finish = mapFinishReason(this.stopReason);
        const chunks = [chunk({ case: 'finish', value: { reason: finish.reason, rawReason: finish.raw, stopSequence: this.stopSequence } })];
        if (this.sawUsage) chunks.push(chunk({ case: 'usage', value: mapUsage(this.usage) }));
        return chunks;
      }
      default:
        if ((event as { type: string }).type === 'error') throw new AnthropicStreamError(event);
        // `ping` and event types newer than this mapper carry nothing canonical.
        return [];
    }
  }

  private blockStart(blockIndex: number, block: StartedBlock): StreamChunk[] {
    switch (block.type) {
      case 'text':
        return block.text === '' ? [] : [chunk({ case: 'textDelta', value: { text: block.text } })];
      case 'thinking': {
        const chunks: StreamChunk[] = [];
        if (block.thinking !== '') chunks.push(reasoning({ text: block.thinking }));
        if (block.signature !== '') chunks.push(reasoning({ signature: block.signature }));
        return chunks;
      }
      case 'redacted_thinking':
        // Opaque and complete at once: this delta also closes the part.
        return [reasoning({ redactedData: block.data })];
      case 'tool_use': {
        const index = this.nextToolIndex++;
        this.toolBlocks.set(blockIndex, { index, sawArguments: false });
        return [chunk({ case: 'toolCallStart', value: { index, id: block.id, name: block.name } })];
      }
      default:
        return [warningChunk(unsupportedBlock(block.type))];
    }
  }

  private blockDelta(blockIndex: number, delta: BlockDelta): StreamChunk[] {
    switch (delta.type) {
      case 'text_delta':
        return delta.text === '' ? [] : [chunk({ case: 'textDelta', value: { text: delta.text } })];
      case 'thinking_delta':
        return delta.thinking === '' ? [] : [reasoning({ text: delta.thinking })];
      case 'signature_delta':
        // The signature closes the reasoning part (see ReasoningDelta in chat.proto).
        return [reasoning({ signature: delta.signature })];
      case 'input_json_delta': {
        const tool = this.toolBlocks.get(blockIndex);
        if (tool === undefined || delta.partial_json === '') return [];
        tool.sawArguments = true;
        return [chunk({ case: 'toolCallDelta', value: { index: tool.index, argumentsDelta: delta.partial_json } })];
      }
      default:
        // citations_delta: citations have no canonical form; the cited text arrives as text_delta.
        return [];
    }
  }

  private blockStop(blockIndex: number): StreamChunk[] {
    const tool = this.toolBlocks.get(blockIndex);
    if (tool === undefined || tool.sawArguments) return [];
    // No fragment (or only "") means an empty input object.
    return [chunk({ case: 'toolCallDelta', value: { index: tool.index, argumentsDelta: '{}' } })];
  }

  private recordUsage(update: AnthropicUsageFields | null | undefined): void {
    if (update === null || update === undefined) return;
    this.sawUsage = true;
    this.usage = mergeCumulativeUsage(this.usage, update);
  }
}

function chunk(event: ChunkEvent): StreamChunk {
  return create(StreamChunkSchema, { choiceIndex: 0, event });
}

function reasoning(value: { text?: string; signature?: string; redactedData?: string }): StreamChunk {
  return chunk({ case: 'reasoningDelta', value: { ...value, providerType: ANTHROPIC_PROVIDER_TYPE } });
}

/**
 * A post-200 `event: error`. The SDK normally throws it itself; this covers
 * replayed event lists. Shaped like the SDK's APIError body so map-error reads
 * the error type from it.
 */
export class AnthropicStreamError extends Error {
  readonly error: unknown;
  constructor(body: unknown) {
    const message = (body as { error?: { message?: unknown } }).error?.message;
    super(typeof message === 'string' ? message : 'error event in the stream');
    this.name = 'AnthropicStreamError';
    this.error = body;
  }
}
