// Calls, keys and plans for the governance-step unit tests.
import { create } from '@bufbuild/protobuf';
import { ChatRequestSchema, Role, RouteInfoSchema, type RouteInfo } from '../../gen/llmgateway/v1/chat_pb.js';
import { EmbedRequestSchema } from '../../gen/llmgateway/v1/completion_service_pb.js';
import type { ChatCall, EmbedCall } from '../../src/core/governance/governance-step.js';
import { DIRECT_MODEL_SETTINGS, type RoutePlan } from '../../src/core/routing/route-plan.js';
import { requestContext } from '../../src/domain/request-context.js';
import type { VirtualKeyRecord } from '../../src/domain/virtual-key.js';
import { keyWith } from '../limits/limits-fakes.js';

export const RECEIVED_AT = 1_000_000;

export function testKey(overrides: Partial<VirtualKeyRecord> = {}): VirtualKeyRecord {
  return { ...keyWith(), ...overrides };
}

export function chatRequest(model = 'openai/gpt', text = 'Hello') {
  return create(ChatRequestSchema, {
    model,
    messages: [{ role: Role.USER, content: [{ kind: { case: 'text', value: { text } } }] }],
  });
}

export function chatCall(overrides: Partial<ChatCall> = {}): ChatCall {
  return {
    operation: 'chat',
    stream: false,
    request: chatRequest(),
    key: testKey(),
    signal: new AbortController().signal,
    context: requestContext({ surface: 'openai', requestId: 'req-1', receivedAt: RECEIVED_AT, clientIp: '10.0.0.1', userAgent: 'ua' }),
    plan: undefined,
    ...overrides,
  };
}

export function embedCall(overrides: Partial<EmbedCall> = {}): EmbedCall {
  return {
    operation: 'embeddings',
    stream: false,
    request: create(EmbedRequestSchema, { model: 'openai/embed', inputs: ['a text'] }),
    key: testKey(),
    signal: new AbortController().signal,
    context: requestContext({ surface: 'openai', requestId: 'req-2', receivedAt: RECEIVED_AT }),
    plan: undefined,
    ...overrides,
  };
}

export function plan(routeName = 'smart'): RoutePlan {
  return { routeName, strategy: 'priority', targets: [], settings: DIRECT_MODEL_SETTINGS, affinityKey: '' };
}

export function routeInfo(): RouteInfo {
  return create(RouteInfoSchema, { providerId: 'openai', upstreamModel: 'gpt', route: 'smart', attempts: [{ providerId: 'openai', upstreamModel: 'gpt', outcome: 'ok' }] });
}
