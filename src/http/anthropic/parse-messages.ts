// Anthropic `system` + `messages` → canonical Messages. The top-level system
// prompt (a string or text blocks) becomes ONE leading SYSTEM message; every
// Anthropic message becomes exactly one canonical message, in order, so a
// canonical `messages[k]` is Anthropic's `messages.(k − systemOffset)` (used to
// name fields in errors and warnings, see param-names.ts). Tool results stay
// inside their user message, in the client's order. A `role: "system"`
// message (an instruction added mid-conversation) stays in place as a SYSTEM
// message where Anthropic accepts one, and is refused as Anthropic refuses it
// elsewhere (https://platform.claude.com/docs/en/build-with-claude/mid-conversation-system-messages,
// "Placement rules"): never first, right after a user message, last or
// before an assistant message, never beside another system message.
import { create } from '@bufbuild/protobuf';
import { MessageSchema, Role, type Message } from '../../../gen/llmgateway/v1/chat_pb.js';
import { parseContent, type ParseContext } from './parse-content.js';
import { at, fieldRequired, invalidType, invalidValue, isUnset, oneOf, readRecord, requiredString } from './request-error.js';

export interface ParsedMessages {
  messages: Message[];
  /** 1 when a top-level system prompt was turned into canonical messages[0], else 0. */
  systemOffset: number;
}

const ROLES = { user: Role.USER, assistant: Role.ASSISTANT, system: Role.SYSTEM } as const;
type MessageRole = keyof typeof ROLES;

export function parseMessages(system: unknown, messages: unknown, context: ParseContext): ParsedMessages {
  const out: Message[] = [];
  const systemParts = isUnset(system) ? [] : parseContent(system, 'system', 'system', context);
  const hasSystem = systemParts.some((part) => part.kind.case === 'text' && part.kind.value.text !== '');
  if (hasSystem) out.push(create(MessageSchema, { role: Role.SYSTEM, content: systemParts }));

  if (isUnset(messages)) throw fieldRequired('messages');
  if (!Array.isArray(messages)) throw invalidType('messages', 'a valid list', messages);
  if (messages.length === 0) throw invalidValue('messages', 'List should have at least 1 item after validation, not 0');
  const roles: MessageRole[] = [];
  // A loop, not forEach: see docs/performance.md, "Closures made per request".
  for (let index = 0; index < messages.length; index += 1) {
    const field = at('messages', index);
    const message = readRecord(messages[index], field);
    const roleField = at(field, 'role');
    const role = oneOf(requiredString(message['role'], roleField), roleField, ['user', 'assistant', 'system'] as const);
    const content = parseContent(message['content'], at(field, 'content'), role, context);
    roles.push(role);
    out.push(create(MessageSchema, { role: ROLES[role], content }));
  }
  for (let index = 0; index < roles.length; index += 1) {
    if (roles[index] === 'system') checkSystemPlacement(roles, index);
  }
  return { messages: out, systemOffset: hasSystem ? 1 : 0 };
}

function checkSystemPlacement(roles: readonly MessageRole[], index: number): void {
  const field = at(at('messages', index), 'role');
  const before = roles[index - 1];
  const after = roles[index + 1];
  if (before === undefined) {
    throw invalidValue(field, 'a system message cannot be the first entry in messages: use the top-level `system` parameter for instructions that apply from the start');
  }
  if (before === 'system' || after === 'system') throw invalidValue(field, 'consecutive system messages are not allowed');
  if (before !== 'user') throw invalidValue(field, `a system message must immediately follow a user message (it follows an ${before} message)`);
  if (after !== undefined && after !== 'assistant') {
    throw invalidValue(field, `a system message must be the last entry in messages or be followed by an assistant message (a ${after} message follows it)`);
  }
}
