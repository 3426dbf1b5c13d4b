// Anthropic `cache_control` ({type: "ephemeral", ttl?: "5m" | "1h"}) on a
// system block, a message content block (a tool result's own blocks too) or a
// tool definition → the canonical CacheBreakpoint, so the breakpoint reaches an
// Anthropic upstream where the client put it
// (https://platform.claude.com/docs/en/build-with-claude/prompt-caching).
// Which blocks take one, and how many, is the upstream's to judge: an
// Anthropic provider gets them as sent, other families leave them out with a
// warning (their adapters).
import { create } from '@bufbuild/protobuf';
import { CacheBreakpointSchema, CacheTtl, type CacheBreakpoint } from '../../../gen/llmgateway/v1/chat_pb.js';
import { at, isUnset, oneOf, optionalString, readRecord, requiredString } from './request-error.js';

const TTLS = { '5m': CacheTtl.FIVE_MINUTES, '1h': CacheTtl.ONE_HOUR } as const;

/** `field` names the `cache_control` key itself (`system.0.cache_control`); absent or null → no breakpoint. */
export function parseCacheControl(value: unknown, field: string): CacheBreakpoint | undefined {
  if (isUnset(value)) return undefined;
  const control = readRecord(value, field);
  oneOf(requiredString(control['type'], at(field, 'type')), at(field, 'type'), ['ephemeral'] as const);
  const ttl = optionalString(control['ttl'], at(field, 'ttl'));
  // No ttl stays unspecified (the provider's default, 5 minutes) rather than an explicit "5m".
  if (ttl === undefined) return create(CacheBreakpointSchema, { ttl: CacheTtl.UNSPECIFIED });
  return create(CacheBreakpointSchema, { ttl: TTLS[oneOf(ttl, at(field, 'ttl'), ['5m', '1h'] as const)] });
}
