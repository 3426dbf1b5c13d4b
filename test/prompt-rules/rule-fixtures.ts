// Builders for prompt-rule tests: records and chat requests.
import { create } from '@bufbuild/protobuf';
import { ChatRequestSchema, Role, type ChatRequest } from '../../gen/llmgateway/v1/chat_pb.js';
import type { PromptRuleRecord } from '../../src/domain/prompt-rule.js';

export function makeRule(overrides: Partial<PromptRuleRecord> = {}): PromptRuleRecord {
  return {
    id: `pr_${overrides.name ?? 'rule'}`,
    name: 'rule',
    enabled: true,
    scope: 'route',
    scopeId: 'smart',
    order: 0,
    operation: 'append-system',
    text: 'Be brief.',
    pattern: '',
    flags: '',
    replacement: '',
    roles: [],
    firstUserTurnOnly: false,
    createdAt: 1_750_000_000_000,
    updatedAt: 1_750_000_000_000,
    ...overrides,
  };
}

export function regexRule(name: string, pattern: string, flags: string, replacement: string, overrides: Partial<PromptRuleRecord> = {}) {
  return makeRule({ name, operation: 'regex-replace', text: '', pattern, flags, replacement, roles: ['system', 'user'], ...overrides });
}

type Turn = [Role, string | string[]];

/** One message per turn; an array makes several text parts. */
export function chat(turns: Turn[], metadata: Record<string, string> = {}): ChatRequest {
  return create(ChatRequestSchema, {
    model: 'smart',
    metadata,
    messages: turns.map(([role, text]) => ({
      role,
      content: (Array.isArray(text) ? text : [text]).map((part) => ({ kind: { case: 'text' as const, value: { text: part } } })),
    })),
  });
}

/** [role, text parts] per message, for compact assertions. */
export function turnsOf(request: ChatRequest): Array<[Role, string[]]> {
  return request.messages.map((message) => [
    message.role,
    message.content.map((part) => (part.kind.case === 'text' ? part.kind.value.text : `<${part.kind.case ?? 'empty'}>`)),
  ]);
}

export { Role };
