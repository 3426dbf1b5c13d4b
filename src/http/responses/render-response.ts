// Canonical ChatResponse → a Responses API response object: the assistant's
// parts in order become output items (reasoning, message, function_call), the
// finish reason the status, the usage OpenAI's usage shape. The object built
// here is the stored form (reasoning encrypted_content included);
// `forClient` removes what the client did not ask for.
import { FinishReason, type ChatResponse, type ContentPart, type Usage } from '../../../gen/llmgateway/v1/chat_pb.js';
import { encodeToolCallId } from '../tool-call-id.js';
import { encodeReasoning } from './encrypted-reasoning.js';
import { newItemId } from './item-ids.js';
import { spreadLogprobs } from './text-logprobs.js';
import type { MessageItem, OutputItem, OutputRefusal, OutputText, ReasoningItem, ResponseObject, ResponseSettings, ResponseUsage } from './responses-wire.js';

/** Who the response is and what it answers (fixed before the upstream call). */
export interface ResponseIdentity {
  id: string;
  createdAt: number;
  model: string;
  settings: ResponseSettings;
  /** reasoning.summary was set: reasoning text is shown as its summary. */
  summarizeReasoning: boolean;
}

export function renderResponse(identity: ResponseIdentity, response: ChatResponse): ResponseObject {
  const choice = response.choices[0];
  const finish = choice?.finishReason ?? FinishReason.STOP;
  const output = renderOutput(choice?.message?.content ?? [], identity.summarizeReasoning, finish === FinishReason.LENGTH);
  spreadLogprobs(output, choice?.logprobs);
  return responseObject(identity, { status: statusOf(finish, choice?.rawFinishReason ?? ''), finish, output, usage: response.usage ? renderUsage(response.usage) : null });
}

export function responseObject(
  identity: ResponseIdentity,
  state: { status: ResponseObject['status']; finish?: FinishReason; output: OutputItem[]; usage: ResponseUsage | null; error?: ResponseObject['error'] },
): ResponseObject {
  return {
    id: identity.id,
    object: 'response',
    created_at: Math.floor(identity.createdAt / 1000),
    status: state.status,
    error: state.error ?? null,
    incomplete_details: state.status === 'incomplete' ? { reason: state.finish === FinishReason.CONTENT_FILTER ? 'content_filter' : 'max_output_tokens' } : null,
    model: identity.model,
    output: state.output,
    usage: state.usage,
    ...identity.settings,
  };
}

function renderOutput(parts: readonly ContentPart[], summarize: boolean, cut: boolean): OutputItem[] {
  const output: OutputItem[] = [];
  for (const part of parts) {
    switch (part.kind.case) {
      case 'text': {
        let message = output.at(-1);
        if (message?.type !== 'message') {
          message = { type: 'message', id: newItemId('msg'), status: cut ? 'incomplete' : 'completed', role: 'assistant', content: [] };
          output.push(message);
        }
        appendText(message, part.kind.value.text, part.kind.value.refusal);
        break;
      }
      case 'reasoning':
        output.push(reasoningItem(newItemId('rs'), part.kind.value, summarize));
        break;
      case 'toolCall':
        output.push({
          type: 'function_call',
          id: newItemId('fc'),
          // A provider signature on the call (Gemini) rides in its id, as on the Chat Completions shim.
          call_id: encodeToolCallId(part.kind.value.id, part.kind.value.signature),
          name: part.kind.value.name,
          arguments: part.kind.value.argumentsJson || '{}',
          status: 'completed',
        });
        break;
      default:
        break;
    }
  }
  return output;
}

export const outputText = (text: string): OutputText => ({ type: 'output_text', text, annotations: [], logprobs: [] });
export const outputRefusal = (refusal: string): OutputRefusal => ({ type: 'refusal', refusal });

/** Text joins the message's last part when that part is of its kind (answer or refusal), else opens one. */
export function appendText(message: MessageItem, text: string, refusal: boolean): void {
  const last = message.content.at(-1);
  if (last && (last.type === 'refusal') === refusal) {
    if (last.type === 'refusal') last.refusal += text;
    else last.text += text;
  } else {
    message.content.push(refusal ? outputRefusal(text) : outputText(text));
  }
}

/** An OpenAI refusal ends with `stop`: the answer is complete, its refusal part says the model declined. */
export function statusOf(finish: FinishReason, rawFinish: string): ResponseObject['status'] {
  if (finish === FinishReason.CONTENT_FILTER && rawFinish === 'stop') return 'completed';
  return finish === FinishReason.LENGTH || finish === FinishReason.CONTENT_FILTER ? 'incomplete' : 'completed';
}

export function reasoningItem(
  id: string,
  part: { text: string; signature: string; redactedData: string; providerType: string },
  summarize: boolean,
): ReasoningItem {
  return {
    type: 'reasoning',
    id,
    summary: summarize && part.text ? [{ type: 'summary_text', text: part.text }] : [],
    encrypted_content: encodeReasoning(part),
  };
}

export function renderUsage(usage: Usage): ResponseUsage {
  return {
    input_tokens: usage.inputTokens,
    input_tokens_details: { cached_tokens: usage.cachedInputTokens },
    output_tokens: usage.outputTokens,
    output_tokens_details: { reasoning_tokens: usage.reasoningTokens },
    total_tokens: usage.totalTokens || usage.inputTokens + usage.outputTokens,
  };
}

/** Without reasoning encrypted_content unless the client asked for it (include). */
export function itemForClient<Item extends OutputItem>(item: Item, includeEncryptedReasoning: boolean): Item {
  if (item.type !== 'reasoning' || includeEncryptedReasoning) return item;
  const { encrypted_content: _omitted, ...rest } = item;
  return rest as Item;
}

export function forClient(response: ResponseObject, includeEncryptedReasoning: boolean): ResponseObject {
  if (includeEncryptedReasoning) return response;
  return { ...response, output: response.output.map((item) => itemForClient(item, false)) };
}
