// The function calls of a Responses stream, one output item at a time as
// OpenAI streams them: a call is added, its argument fragments go out as
// function_call_arguments.delta, and it is done (arguments.done,
// output_item.done) before the next call is added — a client that keeps one
// current item relies on it. Calls that come one after another (Anthropic's
// blocks, Gemini's whole parts, OpenAI as it streams) go out fragment by
// fragment: the open call's arguments are a whole JSON value when the next
// starts. An upstream that interleaves its calls' fragments (OpenAI's chunks
// name each fragment's call by index) starts a call while the open one is
// incomplete: that call waits, its fragments kept, and goes out once the open
// one is whole (or at the end), so no fragment comes after its item's done.
import type { ToolCallStart } from '../../../gen/llmgateway/v1/chat_pb.js';
import { JsonCompleteness } from '../json-completeness.js';
import { encodeToolCallId } from '../tool-call-id.js';
import { newItemId } from './item-ids.js';
import type { FunctionCallItem, StreamEvent } from './responses-wire.js';

export type Event = Omit<StreamEvent, 'sequence_number'>;

interface Call {
  item: FunctionCallItem;
  /** Its output index, once added. */
  index: number | undefined;
  /** Fragments that came while it waited to be added. */
  held: string[];
  json: JsonCompleteness;
  done: boolean;
}

/** Where the calls' items go in the response's output. */
export interface CallOutput {
  /** The next output index. */
  reserve(): number;
  /** The finished item at its index (the stored form). */
  finished(index: number, item: FunctionCallItem): void;
}

export class StreamedCalls {
  /** Every call of the answer by its canonical index. */
  private readonly calls = new Map<number, Call>();
  private open: Call | undefined;
  private readonly waiting: Call[] = [];

  constructor(private readonly output: CallOutput) {}

  start(value: Pick<ToolCallStart, 'index' | 'id' | 'name' | 'signature'>, out: Event[]): void {
    const item: FunctionCallItem = {
      type: 'function_call',
      id: newItemId('fc'),
      call_id: encodeToolCallId(value.id, value.signature),
      name: value.name,
      arguments: '',
      status: 'in_progress',
    };
    const call: Call = { item, index: undefined, held: [], json: new JsonCompleteness(), done: false };
    this.calls.set(value.index, call);
    if ((this.open && !this.open.json.complete) || this.waiting.length > 0) this.waiting.push(call);
    else this.add(call, out);
  }

  fragment(index: number, fragment: string, out: Event[]): void {
    const call = this.calls.get(index);
    // After its done the item is final: only whitespace after a whole value (or a fragment after text or
    // reasoning came between, which closed the call) can come then, and it cannot be sent.
    if (!call || call.done || fragment === '') return;
    call.json.add(fragment);
    call.item.arguments += fragment;
    if (call.index === undefined) {
      call.held.push(fragment);
      return;
    }
    out.push(this.delta(call, fragment));
    if (call.json.complete && this.waiting.length > 0) this.release(out);
  }

  /** The open call and every waiting one (each whole), done in order. */
  closeAll(out: Event[]): void {
    for (let call = this.waiting.shift(); call; call = this.waiting.shift()) this.add(call, out);
    this.closeOpen(out);
  }

  /** The waiting calls, in order, after the open one; the first still incomplete stays open and streams on. */
  private release(out: Event[]): void {
    for (let call = this.waiting.shift(); call; call = this.waiting.shift()) {
      this.add(call, out);
      if (!call.json.complete) break;
    }
  }

  private add(call: Call, out: Event[]): void {
    this.closeOpen(out);
    const index = (call.index = this.output.reserve());
    this.open = call;
    out.push({ type: 'response.output_item.added', output_index: index, item: { ...call.item, arguments: '' } });
    for (const fragment of call.held) out.push(this.delta(call, fragment));
    call.held = [];
  }

  private closeOpen(out: Event[]): void {
    const call = this.open;
    if (!call) return;
    const { item } = call;
    const index = call.index!;
    // A call that never got arguments still needs valid JSON for the client to parse.
    if (item.arguments === '') item.arguments = '{}';
    out.push({ type: 'response.function_call_arguments.done', item_id: item.id, output_index: index, name: item.name, arguments: item.arguments });
    item.status = 'completed';
    this.output.finished(index, item);
    out.push({ type: 'response.output_item.done', output_index: index, item });
    call.done = true;
    this.open = undefined;
  }

  private delta(call: Call, fragment: string): Event {
    return { type: 'response.function_call_arguments.delta', item_id: call.item.id, output_index: call.index!, delta: fragment };
  }
}
