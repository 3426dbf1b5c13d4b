// The text a classifier sees: the system prompt (unless stripped), the last N turns before the last user
// message, and the last user message, with the configured parts stripped, capped in length.
import { Role, type ChatRequest, type ContentPart, type Message } from '../../../gen/llmgateway/v1/chat_pb.js';
import type { PreprocessOptions } from './expert-types.js';

const ROLE_LABELS: Partial<Record<Role, string>> = {
  [Role.SYSTEM]: 'system',
  [Role.DEVELOPER]: 'system',
  [Role.USER]: 'user',
  [Role.ASSISTANT]: 'assistant',
  [Role.TOOL]: 'tool',
};

const CODE_BLOCK = /```[^\n]*\n([\s\S]*?)```/g;

export function preprocess(request: ChatRequest, options: PreprocessOptions): string {
  const { messages } = request;
  let lastUser = -1;
  for (let index = messages.length - 1; index >= 0; index -= 1) {
    if (messages[index]?.role === Role.USER) {
      lastUser = index;
      break;
    }
  }
  if (lastUser === -1) lastUser = messages.length - 1;
  const isSystem = (message: Message) => message.role === Role.SYSTEM || message.role === Role.DEVELOPER;
  const system = options.stripSystemPrompt ? [] : messages.slice(0, lastUser).filter(isSystem);
  const earlier = messages
    .slice(0, Math.max(0, lastUser))
    .filter((message) => !isSystem(message))
    .filter((message) => !(options.stripToolResults && message.role === Role.TOOL))
    .slice(options.keepLastTurns > 0 ? -options.keepLastTurns : messages.length);
  const last = messages[lastUser];

  const render = (message: Message) => messageText(message, options);
  const lastText = last === undefined ? '' : render(last);
  const context = [...system, ...earlier]
    .map((message) => ({ label: ROLE_LABELS[message.role] ?? 'other', text: render(message) }))
    .filter((entry) => entry.text !== '')
    .map((entry) => `${entry.label}: ${entry.text}`);
  const max = Math.max(1, options.maxCharacters);
  if (context.length === 0 || lastText.length >= max) return lastText.slice(0, max);
  // Older context gives way first: the last user message is what matters most.
  const lastEntry = `user: ${lastText}`;
  const room = max - lastEntry.length - 1;
  const joined = context.join('\n');
  if (room <= 0) return lastText;
  return `${joined.length > room ? joined.slice(joined.length - room) : joined}\n${lastEntry}`;
}

function messageText(message: Message, options: PreprocessOptions): string {
  const pieces = message.content.map((part) => partText(part, options)).filter((text) => text !== '');
  return stripCodeBlocks(pieces.join('\n'), options.stripCodeBlocksOverLines).trim();
}

function partText(part: ContentPart, options: PreprocessOptions): string {
  const { kind } = part;
  switch (kind.case) {
    case 'text':
      return kind.value.text;
    case 'image':
      return options.stripAttachments ? '' : '[image]';
    case 'document':
      // The classifier reads the prompt, not attachments: a marker with the document's title at most.
      return options.stripAttachments ? '' : `[document${kind.value.title || kind.value.filename ? ` ${kind.value.title || kind.value.filename}` : ''}]`;
    case 'toolCall':
      return options.stripToolResults ? '' : `[tool call ${kind.value.name}]`;
    case 'toolResult':
      return options.stripToolResults ? '' : kind.value.content.map((inner) => partText(inner, options)).join('\n');
    default:
      // Reasoning is the model's own; nothing for the classifier.
      return '';
  }
}

/** Fenced code blocks longer than maxLines lines become a short marker; 0 keeps them all. */
export function stripCodeBlocks(text: string, maxLines: number): string {
  if (maxLines <= 0) return text;
  return text.replace(CODE_BLOCK, (block, body: string) => {
    const lines = body.replace(/\n$/, '').split('\n').length;
    return lines > maxLines ? '[code block omitted]' : block;
  });
}
