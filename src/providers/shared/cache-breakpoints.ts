// Prompt-cache breakpoints (cache_breakpoint on parts and tools) for the
// families that take none. OpenAI and OpenAI-compatible hosts such as DeepSeek
// cache long prompt prefixes on their own
// (https://platform.openai.com/docs/guides/prompt-caching,
// https://api-docs.deepseek.com/guides/kv_cache); Gemini caches implicitly or
// through cachedContent, never by breakpoint
// (https://ai.google.dev/gemini-api/docs/caching). Their request has no field
// for a breakpoint, so it is left out: one warning per request, not one per
// breakpoint (an agent marks several on every turn).
import type { ChatRequest, ContentPart, Warning } from '../../../gen/llmgateway/v1/chat_pb.js';
import { unsupportedParameterNotice } from './warnings.js';

/** The warning when `request` carries a breakpoint; `how` says how the family caches instead (a sentence). */
export function cacheBreakpointsNotSent(request: ChatRequest, providerLabel: string, how: string): Warning | undefined {
  const marked = request.tools.some((tool) => tool.cacheBreakpoint !== undefined) || request.messages.some((message) => message.content.some(isMarked));
  if (!marked) return undefined;
  return unsupportedParameterNotice('cache_breakpoint', `${providerLabel} takes no prompt-cache breakpoints; they were not sent. ${how}`);
}

function isMarked(part: ContentPart): boolean {
  if (part.cacheBreakpoint !== undefined) return true;
  return part.kind.case === 'toolResult' && part.kind.value.content.some(isMarked);
}
