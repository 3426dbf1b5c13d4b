// Canonical StreamChunks → the Responses API's streamed events, in the
// documented order: response.created, response.in_progress; per output item
// response.output_item.added … response.output_item.done (a message's
// content_part.added, output_text.delta…, output_text.done, content_part.done — or for a refusal's
// text refusal.delta…, refusal.done, in a content part of its own;
// a function call's function_call_arguments.delta…, .done; reasoning's
// reasoning_summary_part.added, reasoning_summary_text.delta…, .done,
// reasoning_summary_part.done when a summary was asked for); then
// response.completed (or response.incomplete) with the whole response and its
// usage. Every event carries the next sequence_number. One item is open at a
// time, function calls included (./stream-calls.ts: a call that starts while
// the open one's arguments are incomplete waits for it). A text delta's log
// probabilities go on its output_text.delta and join its part's (output_text.done).
import { FinishReason, type StreamChunk } from '../../../gen/llmgateway/v1/chat_pb.js';
import { StreamFacts } from '../stream-facts.js';
import { newItemId } from './item-ids.js';
import { itemForClient, outputRefusal, outputText, reasoningItem, renderUsage, responseObject, statusOf, type ResponseIdentity } from './render-response.js';
import type { MessageItem, OutputItem, OutputLogprob, ResponseObject, ResponseUsage, StreamEvent } from './responses-wire.js';
import { renderTokens } from '../openai/render-logprobs.js';
import { StreamedCalls, type Event } from './stream-calls.js';

interface OpenReasoning {
  id: string;
  index: number;
  text: string;
  signature: string;
  redactedData: string;
  providerType: string;
}

export class ResponsesStreamRenderer extends StreamFacts {
  private sequence = 0;
  /** Finished items by output index (the stored form). */
  private readonly output: OutputItem[] = [];
  private message: { item: MessageItem; index: number } | undefined;
  private reasoning: OpenReasoning | undefined;
  private readonly calls = new StreamedCalls({ reserve: () => this.reserveIndex(), finished: (index, item) => (this.output[index] = item) });
  private finish: FinishReason = FinishReason.STOP;
  private rawFinish = '';
  private usage: ResponseUsage | null = null;
  /** The whole response as it ended (the stored form), once conclude() or end() ran. */
  final: ResponseObject | undefined;
  private ending: StreamEvent[] = [];
  private ended = false;

  constructor(
    readonly identity: ResponseIdentity,
    private readonly includeEncryptedReasoning: boolean,
  ) {
    super();
  }

  push(chunk: StreamChunk): StreamEvent[] {
    if (this.note(chunk) || chunk.choiceIndex !== 0) return [];
    const event = chunk.event;
    const out: Event[] = [];
    switch (event.case) {
      case 'start': {
        const response = this.snapshot('in_progress');
        out.push({ type: 'response.created', response }, { type: 'response.in_progress', response });
        break;
      }
      case 'textDelta':
        if (!event.value.text && event.value.logprobs.length === 0) break;
        this.closeReasoning(out);
        this.calls.closeAll(out);
        this.addText(event.value.text, event.value.refusal, renderTokens(event.value.logprobs), out);
        break;
      case 'reasoningDelta':
        this.closeMessage(out);
        this.calls.closeAll(out);
        this.addReasoning(event.value, out);
        break;
      case 'toolCallStart':
        this.closeMessage(out);
        this.closeReasoning(out);
        this.calls.start(event.value, out);
        break;
      case 'toolCallDelta':
        this.calls.fragment(event.value.index, event.value.argumentsDelta, out);
        break;
      case 'finish':
        this.finish = event.value.reason;
        this.rawFinish = event.value.rawReason;
        this.closeAll(out);
        break;
      case 'usage':
        this.usage = renderUsage(event.value);
        break;
      default:
        break;
    }
    return out.map((entry) => this.numbered(entry));
  }

  /**
   * After the last chunk: closes what is open and builds the final response (the stored form), keeping the
   * closing events for end() — so the response can be stored before the client hears it is complete (and
   * hears it was not, when storing failed: notStored()).
   */
  conclude(): ResponseObject {
    if (!this.final) {
      const out: Event[] = [];
      this.closeAll(out);
      this.final = responseObject(this.identity, { status: statusOf(this.finish, this.rawFinish), finish: this.finish, output: this.output.filter(Boolean), usage: this.usage });
      this.ending = out.map((entry) => this.numbered(entry));
    }
    return this.final;
  }

  /** Storing the concluded response failed: the final event says it is not stored (`store: false`). */
  notStored(): void {
    this.conclude().store = false;
  }

  end(): StreamEvent[] {
    const final = this.conclude();
    const out = this.ending;
    if (!this.ended) {
      this.ended = true;
      out.push(this.numbered({ type: final.status === 'completed' ? 'response.completed' : 'response.incomplete', response: this.clientView(final) }));
    }
    this.ending = [];
    return out;
  }

  /** The final events of a stream that failed after it began: response.failed, then error. */
  failed(error: { code: string | null; message: string; param: string | null }): StreamEvent[] {
    const response = responseObject(this.identity, {
      status: 'failed',
      output: this.output.filter(Boolean).map((item) => itemForClient(item, this.includeEncryptedReasoning)),
      usage: this.usage,
      error: { code: error.code ?? 'server_error', message: error.message },
    });
    return [this.numbered({ type: 'response.failed', response }), this.numbered({ type: 'error', code: error.code, message: error.message, param: error.param })];
  }

  private numbered(event: Event): StreamEvent {
    return { ...event, sequence_number: this.sequence++ } as StreamEvent;
  }

  private snapshot(status: ResponseObject['status']): ResponseObject {
    return this.clientView(responseObject(this.identity, { status, output: [], usage: null }));
  }

  private clientView(response: ResponseObject): ResponseObject {
    return { ...response, output: response.output.map((item) => itemForClient(item, this.includeEncryptedReasoning)) };
  }

  private reserveIndex(): number {
    this.output.push(undefined as unknown as OutputItem);
    return this.output.length - 1;
  }

  /** Where the message's open (last) content part is. */
  private messageAt() {
    return { item_id: this.message!.item.id, output_index: this.message!.index, content_index: this.message!.item.content.length - 1 };
  }

  /** Text goes to the open part when it is of its kind (answer or refusal); otherwise that part closes and one opens. */
  private addText(text: string, refusal: boolean, logprobs: OutputLogprob[], out: Event[]): void {
    if (!this.message) {
      const item: MessageItem = { type: 'message', id: newItemId('msg'), status: 'in_progress', role: 'assistant', content: [] };
      this.message = { item, index: this.reserveIndex() };
      out.push({ type: 'response.output_item.added', output_index: this.message.index, item: { ...item, content: [] } });
    }
    const content = this.message.item.content;
    let part = content.at(-1);
    if (!part || (part.type === 'refusal') !== refusal) {
      this.closePart(out);
      part = refusal ? outputRefusal('') : outputText('');
      content.push(part);
      // A copy that does not share the part's growing logprobs list.
      out.push({ type: 'response.content_part.added', ...this.messageAt(), part: part.type === 'refusal' ? { ...part } : outputText('') });
    }
    if (part.type === 'refusal') {
      part.refusal += text;
      out.push({ type: 'response.refusal.delta', ...this.messageAt(), delta: text });
    } else {
      part.text += text;
      part.logprobs.push(...logprobs);
      out.push({ type: 'response.output_text.delta', ...this.messageAt(), delta: text, logprobs });
    }
  }

  private closePart(out: Event[]): void {
    const part = this.message?.item.content.at(-1);
    if (!part) return;
    if (part.type === 'refusal') out.push({ type: 'response.refusal.done', ...this.messageAt(), refusal: part.refusal });
    else out.push({ type: 'response.output_text.done', ...this.messageAt(), text: part.text, logprobs: part.logprobs });
    out.push({ type: 'response.content_part.done', ...this.messageAt(), part: { ...part } });
  }

  private closeMessage(out: Event[]): void {
    if (!this.message) return;
    const { item, index } = this.message;
    this.closePart(out);
    item.status = this.finish === FinishReason.LENGTH ? 'incomplete' : 'completed';
    this.output[index] = item;
    out.push({ type: 'response.output_item.done', output_index: index, item });
    this.message = undefined;
  }

  private addReasoning(delta: { text: string; signature: string; redactedData: string; providerType: string }, out: Event[]): void {
    const summarize = this.identity.summarizeReasoning;
    if (!this.reasoning) {
      this.reasoning = { id: newItemId('rs'), index: this.reserveIndex(), text: '', signature: '', redactedData: '', providerType: delta.providerType };
      out.push({ type: 'response.output_item.added', output_index: this.reasoning.index, item: { type: 'reasoning', id: this.reasoning.id, summary: [] } });
    }
    const open = this.reasoning;
    const at = { item_id: open.id, output_index: open.index, summary_index: 0 };
    if (delta.text) {
      if (summarize && open.text === '') out.push({ type: 'response.reasoning_summary_part.added', ...at, part: { type: 'summary_text', text: '' } });
      open.text += delta.text;
      if (summarize) out.push({ type: 'response.reasoning_summary_text.delta', ...at, delta: delta.text });
    }
    if (delta.providerType) open.providerType = delta.providerType;
    // A signature (or redacted data) closes the reasoning part.
    if (delta.signature || delta.redactedData) {
      open.signature += delta.signature;
      open.redactedData += delta.redactedData;
      this.closeReasoning(out);
    }
  }

  private closeReasoning(out: Event[]): void {
    const open = this.reasoning;
    if (!open) return;
    const summarize = this.identity.summarizeReasoning;
    if (summarize && open.text) {
      const at = { item_id: open.id, output_index: open.index, summary_index: 0 };
      out.push({ type: 'response.reasoning_summary_text.done', ...at, text: open.text });
      out.push({ type: 'response.reasoning_summary_part.done', ...at, part: { type: 'summary_text', text: open.text } });
    }
    const item = reasoningItem(open.id, open, summarize);
    this.output[open.index] = item;
    out.push({ type: 'response.output_item.done', output_index: open.index, item: itemForClient(item, this.includeEncryptedReasoning) });
    this.reasoning = undefined;
  }

  private closeAll(out: Event[]): void {
    this.closeReasoning(out);
    this.closeMessage(out);
    this.calls.closeAll(out);
  }
}
