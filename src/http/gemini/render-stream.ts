// Canonical stream chunks → Gemini streamGenerateContent responses: each text
// or thought delta is one GenerateContentResponse with one part, as Gemini
// streams them. A function call is whole in Gemini's stream (no argument
// deltas), so calls are gathered and sent with the candidate's finishReason;
// usage comes with that last response (Gemini's last chunk carries the
// totals). Several candidates (candidateCount) keep their own index. Argument
// fragments join the call their canonical index names: an upstream may
// interleave several calls' fragments (OpenAI streams each `tool_calls[]`
// delta with the index of its call). A call whose arguments are still not a
// JSON object at the end is left out, the candidate finishing with
// MALFORMED_FUNCTION_CALL (render-parts.ts); the headers have left by then,
// so its warning is in `lateWarnings`, for the log. A text delta's log
// probabilities are its response's logprobsResult; their mean is the
// candidate's avgLogprobs on its last response.
import { FinishReason, type RouteInfo, type SafetyRating, type StreamChunk, type Warning } from '../../../gen/llmgateway/v1/chat_pb.js';
import type { GeminiWireCandidate, GeminiWirePart, GeminiWirePromptFeedback, GeminiWireResponse } from './gemini-wire.js';
import { finishReasonName, functionCallPart, markMalformedCalls, renderUsage, type MalformedCall, type WholeCall } from './render-parts.js';
import { encodeThoughtSignature } from './thought-signature.js';
import { renderPromptFeedback, renderSafetyRatings } from './render-safety.js';
import { LogprobAverage, renderLogprobsResult } from './render-logprobs.js';

interface Ending {
  index: number;
  reason: FinishReason;
  raw: string;
  safetyRatings: SafetyRating[];
}

export class GeminiStreamRenderer {
  route: RouteInfo | undefined;
  readonly warnings: Warning[] = [];
  /** Found by end(), once the headers have left (calls whose arguments were not a JSON object). */
  readonly lateWarnings: Warning[] = [];
  #id = '';
  #model = '';
  /** Per candidate: its calls by canonical tool-call index, in the order they started. */
  readonly #calls = new Map<number, Map<number, WholeCall>>();
  readonly #endings: Ending[] = [];
  /** Per candidate: its tokens' log probabilities so far, for avgLogprobs on its last response. */
  readonly #averages = new Map<number, LogprobAverage>();
  #usage: ReturnType<typeof renderUsage>;
  /** A blocked prompt: answered as Gemini does, one response without candidates. */
  #promptFeedback: GeminiWirePromptFeedback | undefined;

  push(chunk: StreamChunk): GeminiWireResponse[] {
    const index = chunk.choiceIndex;
    const event = chunk.event;
    switch (event.case) {
      case 'start':
        this.#id = event.value.id;
        this.#model = event.value.model;
        return [];
      case 'route':
        this.route = event.value;
        return [];
      case 'warning':
        this.warnings.push(event.value);
        return [];
      case 'textDelta': {
        const { text, signature, logprobs } = event.value;
        if (text === '' && signature === '' && logprobs.length === 0) return [];
        const response = this.#response(index, [{ text, ...(signature ? { thoughtSignature: signature } : {}) }]);
        if (logprobs.length > 0) {
          response.candidates[0]!.logprobsResult = renderLogprobsResult(logprobs);
          this.#averageOf(index).add(logprobs);
        }
        return [response];
      }
      case 'reasoningDelta': {
        const signature = encodeThoughtSignature(event.value);
        if (event.value.text === '' && signature === '') return [];
        return [this.#response(index, [{ text: event.value.text, thought: true, ...(signature ? { thoughtSignature: signature } : {}) }])];
      }
      case 'toolCallStart':
        this.#callsOf(index).set(event.value.index, { id: event.value.id, name: event.value.name, signature: event.value.signature, argumentsJson: '' });
        return [];
      case 'toolCallDelta': {
        const call = this.#callsOf(index).get(event.value.index);
        if (call) call.argumentsJson += event.value.argumentsDelta;
        return [];
      }
      case 'finish':
        if (event.value.promptFeedback) this.#promptFeedback = renderPromptFeedback(event.value.promptFeedback);
        this.#endings.push({ index, reason: event.value.reason, raw: event.value.rawReason, safetyRatings: event.value.safetyRatings });
        return [];
      case 'usage':
        this.#usage = renderUsage(event.value);
        return [];
      default:
        return [];
    }
  }

  /** The held calls and finish reasons, usage on the last response. */
  end(): GeminiWireResponse[] {
    if (this.#promptFeedback) {
      return [{ promptFeedback: this.#promptFeedback, ...(this.#usage ? { usageMetadata: this.#usage } : {}), modelVersion: this.#model, responseId: this.#id }];
    }
    const indexes = new Set([...this.#calls.keys(), ...this.#endings.map((ending) => ending.index)]);
    if (indexes.size === 0) indexes.add(0);
    const out = [...indexes].sort((a, b) => a - b).map((index) => {
      const malformed: MalformedCall[] = [];
      const parts: GeminiWirePart[] = [];
      for (const call of this.#calls.get(index)?.values() ?? []) {
        const part = functionCallPart(call, malformed);
        if (part) parts.push(part);
      }
      const ending = this.#endings.find((entry) => entry.index === index);
      // As Gemini's own last chunk: never no parts. @google/genai's chat counts a chunk with none as an invalid
      // answer and drops the whole turn, and the user's message with it, from the history it sends next.
      if (parts.length === 0) parts.push({ text: '' });
      const response = this.#response(index, parts);
      const candidate = response.candidates[0]!;
      const finishReason = ending ? finishReasonName(ending.reason, ending.raw, this.route) : undefined;
      if (finishReason) candidate.finishReason = finishReason;
      if (ending && ending.safetyRatings.length > 0) candidate.safetyRatings = renderSafetyRatings(ending.safetyRatings);
      const average = this.#averages.get(index)?.value;
      if (average !== undefined) candidate.avgLogprobs = average;
      markMalformedCalls(candidate, malformed, this.lateWarnings);
      return response;
    });
    if (this.#usage) out.at(-1)!.usageMetadata = this.#usage;
    return out;
  }

  #averageOf(index: number): LogprobAverage {
    let average = this.#averages.get(index);
    if (!average) this.#averages.set(index, (average = new LogprobAverage()));
    return average;
  }

  #callsOf(index: number): Map<number, WholeCall> {
    let calls = this.#calls.get(index);
    if (!calls) this.#calls.set(index, (calls = new Map()));
    return calls;
  }

  #response(index: number, parts: GeminiWirePart[]): GeminiWireResponse & { candidates: GeminiWireCandidate[] } {
    return { candidates: [{ content: { role: 'model', parts }, index }], modelVersion: this.#model, responseId: this.#id };
  }
}
