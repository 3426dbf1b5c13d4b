// Applies prompt rules to a chat request: pure, the input is never mutated.
//
// Operations work on text parts only: PREPEND_/APPEND_SYSTEM join with a blank
// line ("\n\n") to the first / last system-or-developer message (a new system
// message goes first when there is none); PREPEND_/APPEND_USER join the same way
// to the last user message's first / last text part (a text part is added when it
// has none; no user message: the rule does not apply). SET_SYSTEM removes every
// system and developer message and puts one system message first.
//
// REGEX_REPLACE rewrites the text parts of the messages of its roles and, with the
// tool role, the text parts inside tool results, whichever message carries them
// (never tool-call arguments or tool definitions). A text document (a text source,
// or text/* bytes) is the client's text too: its text, title, context and file
// name are rewritten like a text part of the same place; rewritten bytes travel on
// as a text source. A PDF's or other binary file's bytes are never rewritten
// (docs/edges.md, "Documents").
//
// REGEX_REPLACE patterns are admin-supplied and run on client text, so they run on
// the linear-time engine (../regex/linear-regex.ts): no pattern can make a short
// message take exponential time. A rule runs over at most MAX_REGEX_INPUT characters
// of each text part (the head; the rest of a longer part is kept unchanged), which
// bounds the linear work one rule does per part. A rule whose pattern does not
// compile there (stored before the engine changed) is not applied.
import { clone, create } from '@bufbuild/protobuf';
import type { JsonObject } from '@bufbuild/protobuf';
import {
  ChatRequestSchema,
  ContentPartSchema,
  MessageSchema,
  Role,
  TextPartSchema,
  type ChatRequest,
  type ContentPart,
  type DocumentPart,
  type Message,
  type TextPart,
  type ToolResultPart,
} from '../../../gen/llmgateway/v1/chat_pb.js';
import type { PromptRuleRecord, PromptRuleRoleName } from '../../domain/prompt-rule.js';
import { cachedLinearRegex, LinearRegexError, linearReplace } from '../regex/linear-regex.js';
import { documentText, mediaTypeEssence } from '../../domain/document-content.js';
import { expandTemplate, type TemplateValues } from './prompt-template.js';

export const MAX_REGEX_INPUT = 100_000;
const SEPARATOR = '\n\n';

export interface PromptRuleContext {
  keyName: string;
  keyMetadata: Readonly<Record<string, string>>;
  /** Epoch milliseconds or a Date: `{{date}}` and `{{datetime}}` (UTC). */
  now: number | Date;
}

export interface AppliedPromptRules {
  /** A new request; the input is untouched. */
  request: ChatRequest;
  /** The names of the rules that changed the request, in application order. */
  applied: string[];
}

/** Key rules first, then route rules; then by order, then name (then id, for a total order). */
export function comparePromptRules(a: PromptRuleRecord, b: PromptRuleRecord): number {
  if (a.scope !== b.scope) return a.scope === 'key' ? -1 : 1;
  if (a.order !== b.order) return a.order - b.order;
  if (a.name !== b.name) return a.name < b.name ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

export function applyPromptRules(
  request: ChatRequest,
  rules: readonly PromptRuleRecord[],
  context: PromptRuleContext,
): AppliedPromptRules {
  const result = clone(ChatRequestSchema, request);
  const applied: string[] = [];
  const ordered = rules.filter((rule) => rule.enabled).sort(comparePromptRules);
  if (ordered.length === 0) return { request: result, applied };
  const userTurns = request.messages.filter((message) => message.role === Role.USER).length;
  const values: TemplateValues = {
    now: context.now instanceof Date ? context.now : new Date(context.now),
    keyName: context.keyName,
    keyMetadata: context.keyMetadata,
    requestMetadata: request.metadata,
    // The client's prompt, without what other rules add to it — but with the regex rewrites that ran
    // before (below): a later rule must not bring back text an earlier one redacted.
    userPrompt: lastUserText(request.messages),
  };
  for (const rule of ordered) {
    if (rule.firstUserTurnOnly && userTurns !== 1) continue;
    if (applyRule(result, rule, values)) applied.push(rule.name);
    if (rule.operation === 'regex-replace' && rule.roles.includes('user')) values.userPrompt = rewritten(values.userPrompt, rule) ?? values.userPrompt;
  }
  return { request: result, applied };
}

function applyRule(request: ChatRequest, rule: PromptRuleRecord, values: TemplateValues): boolean {
  if (rule.operation === 'regex-replace') return regexReplace(request.messages, rule);
  const text = expandTemplate(rule.text, values);
  const messages = request.messages;
  switch (rule.operation) {
    case 'set-system':
      request.messages = [systemMessage(text), ...messages.filter((message) => !isSystem(message))];
      return true;
    case 'prepend-system': {
      const target = messages.find(isSystem);
      if (target === undefined) messages.unshift(systemMessage(text));
      else joinText(target, text, 'start');
      return true;
    }
    case 'append-system': {
      const target = messages.findLast(isSystem);
      if (target === undefined) messages.unshift(systemMessage(text));
      else joinText(target, text, 'end');
      return true;
    }
    case 'prepend-user':
    case 'append-user': {
      const target = messages.findLast((message) => message.role === Role.USER);
      if (target === undefined) return false;
      joinText(target, text, rule.operation === 'prepend-user' ? 'start' : 'end');
      return true;
    }
  }
}

function regexReplace(messages: Message[], rule: PromptRuleRecord): boolean {
  if (cachedLinearRegex(rule.pattern, rule.flags) instanceof LinearRegexError) return false;
  const roles = new Set<Role>(rule.roles.flatMap(rolesFor));
  // A tool result is the tool's text whatever turn carries it (an OpenAI tool message, an Anthropic
  // tool_result or Gemini functionResponse in a user turn): ROLE_TOOL rules rewrite it, user rules do not.
  const tool = roles.has(Role.TOOL);
  let changed = false;
  for (const message of messages) {
    const ownText = roles.has(message.role);
    for (const part of message.content) {
      if (part.kind.case === 'text' && ownText) changed = rewriteText(part.kind.value, rule) || changed;
      else if (part.kind.case === 'document' && ownText) changed = rewriteDocument(part.kind.value, rule) || changed;
      else if (part.kind.case === 'toolResult' && tool) {
        let rewrote = false;
        for (const inner of part.kind.value.content) {
          if (inner.kind.case === 'text') rewrote = rewriteText(inner.kind.value, rule) || rewrote;
          else if (inner.kind.case === 'document') rewrote = rewriteDocument(inner.kind.value, rule) || rewrote;
        }
        if (rewrote) resyncStructured(part.kind.value);
        changed = rewrote || changed;
      }
    }
  }
  return changed;
}

/**
 * A result that came as an object (Gemini's functionResponse.response) also travels as that object, which a
 * Gemini upstream gets instead of the text: after a rewrite it is the rewritten text read back, or gone (the
 * text goes instead) when the rewrite left no JSON object — never the object as the client sent it.
 */
function resyncStructured(result: ToolResultPart): void {
  if (result.structured === undefined) return;
  const texts = result.content.flatMap((inner) => (inner.kind.case === 'text' ? [inner.kind.value.text] : []));
  let parsed: unknown;
  try {
    parsed = texts.length === 1 ? JSON.parse(texts[0]!) : undefined;
  } catch {
    parsed = undefined;
  }
  result.structured = typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as JsonObject) : undefined;
}

/** Rewrites the part's text in place; true when it changed. The pattern compiles (checked by the caller). */
function rewriteText(part: TextPart, rule: PromptRuleRecord): boolean {
  const text = rewritten(part.text, rule) ?? part.text;
  if (text === part.text) return false;
  part.text = text;
  return true;
}

/** Rewrites a document's title, context, file name and, for a text document, its text; true when any changed. */
function rewriteDocument(document: DocumentPart, rule: PromptRuleRecord): boolean {
  let changed = false;
  for (const field of ['title', 'context', 'filename'] as const) {
    const text = rewritten(document[field], rule) ?? document[field];
    if (text !== document[field]) [document[field], changed] = [text, true];
  }
  const original = documentText(document);
  if (original === undefined) return changed;
  const text = rewritten(original, rule) ?? original;
  if (text === original) return changed;
  // Bytes in another charset become a text source (UTF-8 wherever a family encodes it): the charset goes.
  document.source = { case: 'text', value: text };
  document.mediaType = mediaTypeEssence(document.mediaType);
  return true;
}

/** The text with the rule's replacement made over its head; undefined when the pattern does not compile. */
function rewritten(original: string, rule: PromptRuleRecord): string | undefined {
  const pattern = cachedLinearRegex(rule.pattern, rule.flags);
  if (pattern instanceof LinearRegexError) return undefined;
  const head = original.slice(0, MAX_REGEX_INPUT);
  return linearReplace(pattern, head, rule.replacement, rule.flags.includes('g')) + original.slice(MAX_REGEX_INPUT);
}

function rolesFor(name: PromptRuleRoleName): Role[] {
  switch (name) {
    case 'system':
      return [Role.SYSTEM, Role.DEVELOPER];
    case 'developer':
      return [Role.DEVELOPER];
    case 'user':
      return [Role.USER];
    case 'assistant':
      return [Role.ASSISTANT];
    case 'tool':
      return [Role.TOOL];
  }
}

function isSystem(message: Message): boolean {
  return message.role === Role.SYSTEM || message.role === Role.DEVELOPER;
}

function textPart(text: string): ContentPart {
  return create(ContentPartSchema, { kind: { case: 'text', value: create(TextPartSchema, { text }) } });
}

function systemMessage(text: string): Message {
  return create(MessageSchema, { role: Role.SYSTEM, content: [textPart(text)] });
}

/** Joins `text` to the message's first (start) or last (end) text part, or adds a text part there. */
function joinText(message: Message, text: string, where: 'start' | 'end'): void {
  const parts = message.content;
  const part = where === 'start' ? parts.find(isTextPart) : parts.findLast(isTextPart);
  if (part === undefined || part.kind.case !== 'text') {
    if (where === 'start') parts.unshift(textPart(text));
    else parts.push(textPart(text));
    return;
  }
  const current = part.kind.value.text;
  if (current === '') part.kind.value.text = text;
  else part.kind.value.text = where === 'start' ? `${text}${SEPARATOR}${current}` : `${current}${SEPARATOR}${text}`;
}

function isTextPart(part: ContentPart): boolean {
  return part.kind.case === 'text';
}

/** The text parts of the last user message, joined by line breaks ('' when none). */
function lastUserText(messages: readonly Message[]): string {
  const last = messages.findLast((message) => message.role === Role.USER);
  if (last === undefined) return '';
  return last.content.flatMap((part) => (part.kind.case === 'text' ? [part.kind.value.text] : [])).join('\n');
}
