// Builders for expert routing tests: a config with three experts, chat requests, fake complete/embed.
import { create } from '@bufbuild/protobuf';
import {
  ChatResponseSchema,
  ChatRequestSchema,
  ContentPartSchema,
  MessageSchema,
  Role,
  UsageSchema,
  type ChatRequest,
  type ChatResponse,
  type ContentPart,
} from '../../gen/llmgateway/v1/chat_pb.js';
import type { ClassifierDeps, ExpertRoutingConfig } from '../../src/core/experts/index.js';

export function makeExpertConfig(overrides: Partial<ExpertRoutingConfig> = {}): ExpertRoutingConfig {
  return {
    experts: [
      { name: 'coding', description: 'Programming and code', route: '', providerId: 'prov-1', upstreamModel: 'code-model', systemPrompt: 'You write code.', examples: ['fix my python function', 'write a typescript class'] },
      { name: 'planning', description: 'Plans, strategy, reasoning', route: 'reasoner', providerId: '', upstreamModel: '', systemPrompt: null, examples: ['plan a product launch', 'make a roadmap for next quarter'] },
      { name: 'small-talk', description: 'Chit-chat and greetings', route: '', providerId: 'prov-2', upstreamModel: 'cheap-model', systemPrompt: null, examples: ['hello how are you', 'nice weather today'] },
    ],
    fallbackExpert: 'small-talk',
    classifier: { type: 'llm', judgeModel: 'judge', timeoutMs: 200, rules: [], embeddingModel: 'embedder', similarityThreshold: 0.8 },
    preprocessing: {
      keepLastTurns: 0,
      stripToolResults: false,
      stripCodeBlocksOverLines: 0,
      stripSystemPrompt: false,
      stripAttachments: false,
      maxCharacters: 4000,
    },
    decisionCacheTtlMs: 60_000,
    ...overrides,
  };
}

export const text = (value: string): ContentPart => create(ContentPartSchema, { kind: { case: 'text', value: { text: value, signature: '' } } });

export function message(role: Role, ...parts: Array<string | ContentPart>) {
  return create(MessageSchema, { role, content: parts.map((part) => (typeof part === 'string' ? text(part) : part)) });
}

export function chat(...messages: ReturnType<typeof message>[]): ChatRequest {
  return create(ChatRequestSchema, { model: 'experts', messages });
}

export const ask = (question: string) => chat(message(Role.USER, question));

export function answer(textValue: string, inputTokens = 40, outputTokens = 6): ChatResponse {
  return create(ChatResponseSchema, {
    choices: [{ index: 0, message: message(Role.ASSISTANT, textValue) }],
    usage: create(UsageSchema, { inputTokens, outputTokens }),
  });
}

/** complete() answering with `reply(request)`; records the requests it saw. */
export function fakeDeps(reply: (request: ChatRequest, signal: AbortSignal) => Promise<ChatResponse> | ChatResponse) {
  const requests: ChatRequest[] = [];
  const embedCalls: string[][] = [];
  const deps: ClassifierDeps = {
    complete: async (request, signal) => {
      requests.push(request);
      return reply(request, signal);
    },
    embed: async (_model, texts) => {
      embedCalls.push(texts);
      return { vectors: texts.map(vectorOf), tokens: texts.length * 5 };
    },
  };
  return { deps, requests, embedCalls };
}

/** Toy embedding: counts of topic words, so similar sentences point the same way. */
export function vectorOf(value: string): number[] {
  const words = value.toLowerCase().split(/\W+/);
  const topics = [
    ['python', 'typescript', 'function', 'class', 'code', 'bug', 'fix', 'compile'],
    ['plan', 'roadmap', 'launch', 'quarter', 'strategy', 'steps'],
    ['hello', 'weather', 'how', 'are', 'you', 'nice', 'hi'],
  ];
  return topics.map((topic) => words.filter((word) => topic.includes(word)).length);
}
