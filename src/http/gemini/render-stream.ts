// Canonical stream chunks → Gemini streamGenerateContent responses: each text
// or thought delta is one GenerateContentResponse with one part, as Gemini
// streams them. A function call is whole in Gemini's stream (no argument
// deltas), so calls are gathered and sent with the candidate's finishReason;
// usage comes with that last response (Gemini's last chunk carries the
// totals). Several candidates (candidateCount) keep their own index.
import { FinishReason, type RouteInfo, type StreamChunk, type Warning } from '../../../gen/llmgateway/v1/chat_pb.js';
import type { GeminiWirePart, GeminiWireResponse } from './gemini-wire.js';
import { argumentsObject, finishReasonName, renderUsage } from './render-parts.js';
import { encodeThoughtSignature } from './thought-signature.js';

interface PendingCall {
  id: string;
  name: string;
  signature: string;
  args: string;
}

interface Ending {
  index: number;
  reason: FinishReason;
  raw: string;
}

export class GeminiStreamRenderer {
  route: RouteInfo | undefined;
  readonly warnings: Warning[] = [];
  #id = '';
  #model = '';
  readonly #calls = new Map<number, PendingCall[]>();
  readonly #endings: Ending[] = [];
  #usage: ReturnType<typeof renderUsage>;

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
      case 'textDelta':
        if (event.value.text === '' && event.value.signature === '') return [];
        return [this.#response(index, [{ text: event.value.text, ...(event.value.signature ? { thoughtSignature: event.value.signature } : {}) }])];
      case 'reasoningDelta': {
        const signature = encodeThoughtSignature(event.value);
        if (event.value.text === '' && signature === '') return [];
        return [this.#response(index, [{ text: event.value.text, thought: true, ...(signature ? { thoughtSignature: signature } : {}) }])];
      }
      case 'toolCallStart':
        this.#callsOf(index).push({ id: event.value.id, name: event.value.name, signature: event.value.signature, args: '' });
        return [];
      case 'toolCallDelta': {
        const call = this.#callsOf(index).at(-1);
        if (call) call.args += event.value.argumentsDelta;
        return [];
      }
      case 'finish':
        this.#endings.push({ index, reason: event.value.reason, raw: event.value.rawReason });
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
    const indexes = new Set([...this.#calls.keys(), ...this.#endings.map((ending) => ending.index)]);
    if (indexes.size === 0) indexes.add(0);
    const out = [...indexes].sort((a, b) => a - b).map((index) => {
      const parts: GeminiWirePart[] = (this.#calls.get(index) ?? []).map((call) => ({
        functionCall: { ...(call.id ? { id: call.id } : {}), name: call.name, args: argumentsObject(call.args) },
        ...(call.signature ? { thoughtSignature: call.signature } : {}),
      }));
      const ending = this.#endings.find((entry) => entry.index === index);
      const response = this.#response(index, parts);
      const finishReason = ending ? finishReasonName(ending.reason, ending.raw, this.route) : undefined;
      if (finishReason) response.candidates[0]!.finishReason = finishReason;
      return response;
    });
    if (this.#usage) out.at(-1)!.usageMetadata = this.#usage;
    return out;
  }

  #callsOf(index: number): PendingCall[] {
    let calls = this.#calls.get(index);
    if (!calls) this.#calls.set(index, (calls = []));
    return calls;
  }

  #response(index: number, parts: GeminiWirePart[]): GeminiWireResponse {
    return { candidates: [{ content: { role: 'model', parts }, index }], modelVersion: this.#model, responseId: this.#id };
  }
}
