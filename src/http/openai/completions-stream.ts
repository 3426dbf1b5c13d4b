// `/v1/completions` with `stream: true`: canonical chunks → `data:
// {text_completion chunk}` events and `data: [DONE]`, through the shared pump
// (../sse-stream.ts), like the chat stream: one chunk per text delta, a last
// chunk per choice with its finish_reason, and with
// `stream_options.include_usage` a chunk with `choices: []` and the usage.
// With `echo` the prompt is the first text of each choice.
import type { FastifyReply } from 'fastify';
import type { RouteInfo, StreamChunk, Warning } from '../../../gen/llmgateway/v1/chat_pb.js';
import { pumpSse, type SseRequestContext } from '../sse-stream.js';
import type { OpenAITextCompletion } from './completions.js';
import { openAISseStream } from './send-stream.js';
import { renderFinishReason, renderUsage, unixSeconds } from './render-response.js';

export interface CompletionStreamOptions extends SseRequestContext {
  includeUsage: boolean;
  n: number;
  /** The prompt when `echo` is set, else ''. */
  echoed: string;
}

class CompletionStreamRenderer {
  route: RouteInfo | undefined;
  readonly warnings: Warning[] = [];
  #id = '';
  #model = '';
  #created = Math.floor(Date.now() / 1000);
  readonly #echoedChoices = new Set<number>();
  #usage: OpenAITextCompletion['usage'];

  constructor(
    private readonly echoed: string,
    private readonly includeUsage: boolean,
  ) {}

  push(chunk: StreamChunk): OpenAITextCompletion[] {
    const event = chunk.event;
    switch (event.case) {
      case 'start':
        this.#id = `cmpl-${event.value.id}`;
        this.#model = event.value.model;
        this.#created = unixSeconds(event.value.created);
        return [];
      case 'route':
        this.route = event.value;
        return [];
      case 'warning':
        this.warnings.push(event.value);
        return [];
      case 'textDelta':
        return [this.#chunk(chunk.choiceIndex, event.value.text, null)];
      case 'finish':
        return [this.#chunk(chunk.choiceIndex, '', renderFinishReason(event.value.reason, event.value.rawReason))];
      case 'usage':
        this.#usage = renderUsage(event.value);
        return [];
      default:
        return [];
    }
  }

  end(): OpenAITextCompletion[] {
    if (!this.includeUsage || !this.#usage) return [];
    return [{ ...this.#base(), choices: [], usage: this.#usage }];
  }

  #base() {
    return { id: this.#id, object: 'text_completion' as const, created: this.#created, model: this.#model };
  }

  #chunk(index: number, text: string, finishReason: string | null): OpenAITextCompletion {
    const first = !this.#echoedChoices.has(index);
    this.#echoedChoices.add(index);
    return { ...this.#base(), choices: [{ text: (first ? this.echoed : '') + text, index, logprobs: null, finish_reason: finishReason }] };
  }
}

export async function sendCompletionStream(reply: FastifyReply, chunks: AsyncIterable<StreamChunk>, options: CompletionStreamOptions): Promise<void> {
  const renderer = new CompletionStreamRenderer(options.echoed, options.includeUsage);
  await pumpSse(reply, chunks, openAISseStream<OpenAITextCompletion>(renderer, options), options);
}
