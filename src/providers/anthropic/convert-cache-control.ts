// Canonical cache breakpoints → Anthropic `cache_control` on the block or tool
// that carried them: `{type: "ephemeral"}`, with `ttl` "5m" or "1h" when one
// was given (https://platform.claude.com/docs/en/build-with-claude/prompt-caching).
// They go as placed: the API judges their number (at most four) and order
// (a longer ttl before a shorter one) and says what is wrong in its 400.
// What it takes none on — thinking blocks, empty text (which the gateway
// leaves out anyway) — loses the breakpoint with a warning.
import { CacheTtl, type CacheBreakpoint, type Warning } from '../../../gen/llmgateway/v1/chat_pb.js';
import { unsupportedParameterNotice } from '../shared/warnings.js';
import type { AnthropicCacheControl } from './anthropic-client.js';

export function cacheControl(breakpoint: CacheBreakpoint): AnthropicCacheControl {
  switch (breakpoint.ttl) {
    case CacheTtl.FIVE_MINUTES:
      return { type: 'ephemeral', ttl: '5m' };
    case CacheTtl.ONE_HOUR:
      return { type: 'ephemeral', ttl: '1h' };
    default:
      // Unspecified (or a value this build does not know): the API's default, 5 minutes.
      return { type: 'ephemeral' };
  }
}

interface Markable {
  type: string;
  cache_control?: AnthropicCacheControl | null;
}

/**
 * `block` with the part's breakpoint on it. `at` names the part ("messages[2].content[0]");
 * a breakpoint whose block was not sent, or that a thinking block cannot carry, becomes a warning.
 */
export function withCacheControl<Block extends Markable>(
  block: Block | undefined,
  breakpoint: CacheBreakpoint | undefined,
  at: string,
  warnings: Warning[],
): Block | undefined {
  if (breakpoint === undefined) return block;
  if (block === undefined || block.type === 'thinking' || block.type === 'redacted_thinking') {
    const where = block === undefined ? 'its part was not sent (an empty text, or content anthropic has no place for there)' : 'anthropic takes none on thinking blocks';
    warnings.push(unsupportedParameterNotice(`${at}.cache_breakpoint`, `the prompt-cache breakpoint was not sent: ${where}`));
    return block;
  }
  block.cache_control = cacheControl(breakpoint);
  return block;
}
