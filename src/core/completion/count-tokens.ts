// Local token estimates with gpt-tokenizer (a maintained pure-JS BPE):
// o200k_base for current OpenAI models, cl100k_base for older ones, and
// o200k_base as the estimate for other vendors' models.
// The encodings cost ~50 MB of memory each, so they load on first use only.
import { createRequire } from 'node:module';
import type { ChatRequest } from '../../../gen/llmgateway/v1/chat_pb.js';
import { documentTokens } from './document-tokens.js';

type CountTokens = (text: string) => number;
const load = createRequire(import.meta.url);
const counters = new Map<string, CountTokens>();

function counterFor(encoding: LocalCount['encoding']): CountTokens {
  let counter = counters.get(encoding);
  if (!counter) {
    counter = (load(`gpt-tokenizer/encoding/${encoding}`) as { countTokens: CountTokens }).countTokens;
    counters.set(encoding, counter);
  }
  return counter;
}

// Chat framing as OpenAI documents it: a few tokens per message and for the reply.
const TOKENS_PER_MESSAGE = 3;
const TOKENS_FOR_REPLY = 3;
// Low-detail image cost in OpenAI's accounting; an estimate elsewhere.
const TOKENS_PER_IMAGE = 85;

export interface LocalCount {
  tokens: number;
  encoding: 'o200k_base' | 'cl100k_base';
}

export function encodingFor(upstreamModel: string): LocalCount['encoding'] {
  return /^(gpt-4(?!o|\.1)|gpt-3\.5|text-embedding-(ada|3))/.test(upstreamModel) ? 'cl100k_base' : 'o200k_base';
}

export function countTextTokens(text: string, encoding: LocalCount['encoding']): number {
  if (text === '') return 0;
  return counterFor(encoding)(text);
}

export function countChatTokens(request: ChatRequest, upstreamModel: string): LocalCount {
  const encoding = encodingFor(upstreamModel);
  const count = (text: string) => countTextTokens(text, encoding);
  let tokens = TOKENS_FOR_REPLY;
  for (const message of request.messages) {
    tokens += TOKENS_PER_MESSAGE;
    for (const part of message.content) {
      switch (part.kind.case) {
        case 'text':
          tokens += count(part.kind.value.text);
          break;
        case 'image':
          tokens += TOKENS_PER_IMAGE;
          break;
        case 'document':
          tokens += documentTokens(part.kind.value, count);
          break;
        case 'reasoning':
          tokens += count(part.kind.value.text);
          break;
        case 'toolCall':
          tokens += count(part.kind.value.name) + count(part.kind.value.argumentsJson);
          break;
        case 'toolResult':
          for (const inner of part.kind.value.content) {
            if (inner.kind.case === 'text') tokens += count(inner.kind.value.text);
            else if (inner.kind.case === 'document') tokens += documentTokens(inner.kind.value, count);
            else tokens += TOKENS_PER_IMAGE;
          }
          break;
        default:
          break;
      }
    }
  }
  for (const tool of request.tools) {
    tokens += count(`${tool.name} ${tool.description} ${JSON.stringify(tool.parameters ?? {})}`);
  }
  return { tokens, encoding };
}
