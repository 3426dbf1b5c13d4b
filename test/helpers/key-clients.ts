// One virtual key's official clients on a started gateway, one per surface: the OpenAI, Anthropic and
// Google GenAI SDKs against the shims (no retries: a test sees the first answer) and connect-node's
// CompletionService over Connect (HTTP/1.1).
import Anthropic from '@anthropic-ai/sdk';
import { createClient, type Client } from '@connectrpc/connect';
import { createConnectTransport } from '@connectrpc/connect-node';
import { GoogleGenAI } from '@google/genai';
import OpenAI from 'openai';
import { CompletionService } from '../../gen/llmgateway/v1/completion_service_pb.js';

export interface KeyClients {
  openai: OpenAI;
  anthropic: Anthropic;
  gemini: GoogleGenAI;
  rpc: Client<typeof CompletionService>;
}

export function keyClients(gatewayUrl: string, secret: string): KeyClients {
  const transport = createConnectTransport({
    baseUrl: gatewayUrl,
    httpVersion: '1.1',
    interceptors: [
      (next) => (request) => {
        request.header.set('authorization', `Bearer ${secret}`);
        return next(request);
      },
    ],
  });
  return {
    openai: new OpenAI({ baseURL: `${gatewayUrl}/v1`, apiKey: secret, maxRetries: 0 }),
    anthropic: new Anthropic({ baseURL: gatewayUrl, apiKey: secret, maxRetries: 0 }),
    gemini: new GoogleGenAI({ apiKey: secret, apiVersion: 'v1beta', httpOptions: { baseUrl: gatewayUrl, retryOptions: { attempts: 1 } } }),
    rpc: createClient(CompletionService, transport),
  };
}
