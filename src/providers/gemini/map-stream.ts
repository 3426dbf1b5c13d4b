// Gemini `alt=sse` events → canonical StreamChunks, one event in, its chunks
// out at once. Each event is a full GenerateContentResponse carrying only new
// parts; function calls arrive whole and unindexed, so each gets the next
// index of its choice, a ToolCallStart and ONE ToolCallDelta with the whole
// arguments JSON. STOP may come in a later event than the calls: "saw a call"
// is remembered per choice (docs/provider-wire-formats.md, "Gemini API,
// Streaming" and Pitfall 4). usageMetadata repeats in every event:
// the last one wins (Pitfall 6) and goes out once, from end(); its input side
// goes out as `inputUsage` too when it comes before any output (the first
// event carries the prompt count). A candidate's log probabilities ride on
// its event's text delta (map-logprobs.ts). A stream whose choices did not
// all finish was cut (the adapter reports it).
import { create, type MessageInitShape } from '@bufbuild/protobuf';
import { StreamChunkSchema, type SafetyRating, type StreamChunk, type Usage } from '../../../gen/llmgateway/v1/chat_pb.js';
import type { StreamEnd } from '../shared/stream-chunks.js';
import { isJsonObject, UpstreamFault } from '../shared/upstream-fault.js';
import { classifyPart, unsupportedOutput } from './classify-part.js';
import { GEMINI_PROVIDER_TYPE } from './family.js';
import type { GeminiResponse } from './wire-types.js';
import { mapBlockReason, mapFinishReason } from './map-finish-reason.js';
import { mapInputUsage, mapUsage } from './map-usage.js';
import { attachTokens, mapLogprobTokens } from './map-logprobs.js';
import { mapPromptFeedback, mapSafetyRatings } from './map-safety.js';
import { createToolCallIds, type ToolCallIds } from '../shared/tool-call-ids.js';

interface ChoiceState {
  sawToolCall: boolean;
  nextToolIndex: number;
  finished: boolean;
  /** The latest safetyRatings the candidate carried (Gemini repeats them as the answer grows): sent with its finish. */
  safetyRatings: SafetyRating[];
}

const chunk = (choiceIndex: number, event: MessageInitShape<typeof StreamChunkSchema>['event']): StreamChunk =>
  create(StreamChunkSchema, { choiceIndex, event });

export class StreamMapper {
  private readonly choices = new Map<number, ChoiceState>();
  private readonly warned = new Set<string>();
  private usage: Usage | undefined;
  /** No chunk has gone out yet: an input usage may still lead the stream. */
  private leading = true;
  private blocked = false;

  constructor(private readonly ids: ToolCallIds = createToolCallIds()) {}

  map(response: GeminiResponse): StreamChunk[] {
    checkEvent(response);
    const out: StreamChunk[] = [];
    if (response.usageMetadata) this.usage = mapUsage(response.usageMetadata);
    const inputUsage = this.leading ? mapInputUsage(response.usageMetadata) : undefined;
    if (inputUsage) out.push(chunk(0, { case: 'inputUsage', value: inputUsage }));
    const candidates = response.candidates ?? [];
    candidates.forEach((candidate, position) => {
      const index = candidate.index ?? position;
      const state = this.stateOf(index);
      const produced: StreamChunk[] = [];
      for (const part of candidate.content?.parts ?? []) produced.push(...this.mapPart(part, index, state));
      attachTokens(produced, index, mapLogprobTokens(candidate.logprobsResult));
      out.push(...produced);
      if (candidate.safetyRatings) state.safetyRatings = mapSafetyRatings(candidate.safetyRatings);
      if (candidate.finishReason && !state.finished) {
        state.finished = true;
        const reason = mapFinishReason(candidate.finishReason, state.sawToolCall);
        out.push(chunk(index, { case: 'finish', value: { reason, rawReason: candidate.finishReason, safetyRatings: state.safetyRatings } }));
      }
    });
    const blockReason = response.promptFeedback?.blockReason;
    if (candidates.length === 0 && blockReason && !this.blocked && this.choices.size === 0) {
      this.blocked = true;
      const promptFeedback = mapPromptFeedback(response.promptFeedback);
      out.push(chunk(0, { case: 'finish', value: { reason: mapBlockReason(blockReason), rawReason: blockReason, promptFeedback } }));
    }
    if (out.length > 0) this.leading = false;
    return out;
  }

  /** After the last event: complete when every choice (or the blocked prompt) finished; the usage chunk, once. */
  end(): StreamEnd {
    const complete = this.blocked || (this.choices.size > 0 && [...this.choices.values()].every((state) => state.finished));
    return { complete, chunks: this.usage ? [chunk(0, { case: 'usage', value: this.usage })] : [] };
  }

  private mapPart(part: Parameters<typeof classifyPart>[0], index: number, state: ChoiceState): StreamChunk[] {
    const classified = classifyPart(part);
    switch (classified.kind) {
      case 'reasoning':
        return [
          chunk(index, {
            case: 'reasoningDelta',
            value: { text: classified.text, signature: classified.signature, providerType: GEMINI_PROVIDER_TYPE },
          }),
        ];
      case 'text':
        return [chunk(index, { case: 'textDelta', value: { text: classified.text, signature: classified.signature } })];
      case 'toolCall': {
        state.sawToolCall = true;
        const toolIndex = state.nextToolIndex++;
        const id = this.ids(classified.upstreamId);
        return [
          chunk(index, { case: 'toolCallStart', value: { index: toolIndex, id, name: classified.name, signature: classified.signature } }),
          chunk(index, { case: 'toolCallDelta', value: { index: toolIndex, argumentsDelta: classified.argumentsJson } }),
        ];
      }
      case 'unsupported':
        if (this.warned.has(classified.field)) return [];
        this.warned.add(classified.field);
        return [chunk(index, { case: 'warning', value: unsupportedOutput(classified.field) })];
      case 'empty':
        return [];
    }
  }

  private stateOf(index: number): ChoiceState {
    let state = this.choices.get(index);
    if (!state) {
      state = { sawToolCall: false, nextToolIndex: 0, finished: false, safetyRatings: [] };
      this.choices.set(index, state);
    }
    return state;
  }
}

/** An event is a response object whose `candidates`, when present, are objects. */
function checkEvent(response: unknown): void {
  const candidates = isJsonObject(response) ? response['candidates'] : null;
  if (candidates === undefined || (Array.isArray(candidates) && candidates.every(isJsonObject))) return;
  throw new UpstreamFault('malformed_event', 'not a GenerateContentResponse');
}
