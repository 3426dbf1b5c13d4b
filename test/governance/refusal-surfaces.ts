// One request refused by the key's own limits, sent on every surface: each
// answer's status (Connect code) and x-should-retry, as the vendors' SDKs
// (openai, @anthropic-ai/sdk, connect-node) and a plain Gemini call see them.
import Anthropic from '@anthropic-ai/sdk';
import { ConnectError, createClient } from '@connectrpc/connect';
import { createConnectTransport } from '@connectrpc/connect-node';
import OpenAI from 'openai';
import { Role } from '../../gen/llmgateway/v1/chat_pb.js';
import { CompletionService } from '../../gen/llmgateway/v1/completion_service_pb.js';

export interface RefusalCall {
  gatewayUrl: string;
  secret: string;
  model: string;
  maxTokens: number;
}

/** `<status> <x-should-retry>` per surface ('answered' when it was not refused). */
export async function refusalsOnEverySurface({ gatewayUrl, secret, model, maxTokens }: RefusalCall): Promise<Record<string, string>> {
  const text = 'Hello';
  const openai = await new OpenAI({ baseURL: `${gatewayUrl}/v1`, apiKey: secret, maxRetries: 0 }).chat.completions
    .create({ model, max_tokens: maxTokens, messages: [{ role: 'user', content: text }] })
    .then(
      () => 'answered',
      (error: unknown) => (error instanceof OpenAI.APIError ? `${error.status} ${error.headers?.get('x-should-retry')}` : String(error)),
    );
  const anthropic = await new Anthropic({ baseURL: gatewayUrl, apiKey: secret, maxRetries: 0 }).messages
    .create({ model, max_tokens: maxTokens, messages: [{ role: 'user', content: text }] })
    .then(
      () => 'answered',
      (error: unknown) => (error instanceof Anthropic.APIError ? `${error.status} ${error.headers?.get('x-should-retry')}` : String(error)),
    );
  const gemini = await fetch(`${gatewayUrl}/v1beta/models/${model}:generateContent`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-goog-api-key': secret },
    body: JSON.stringify({ contents: [{ role: 'user', parts: [{ text }] }], generationConfig: { maxOutputTokens: maxTokens } }),
  }).then((response) => `${response.status} ${response.headers.get('x-should-retry')}`);
  const transport = createConnectTransport({
    baseUrl: gatewayUrl,
    httpVersion: '1.1',
    interceptors: [(next) => (request) => (request.header.set('authorization', `Bearer ${secret}`), next(request))],
  });
  const connect = await createClient(CompletionService, transport)
    .complete({ chat: { model, maxOutputTokens: maxTokens, messages: [{ role: Role.USER, content: [{ kind: { case: 'text', value: { text } } }] }] } })
    .then(
      () => 'answered',
      (error: unknown) => {
        const connectError = ConnectError.from(error);
        return `${connectError.code} ${connectError.metadata.get('x-should-retry')}`;
      },
    );
  return { openai, anthropic, gemini, connect };
}
