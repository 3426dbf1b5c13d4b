// Anthropic accepts tool_use ids matching ^[a-zA-Z0-9_-]+$ only. Ids from
// other families (or clients) may contain dots, colons, pipes… The mapping is
// deterministic, so a call and its result (converted separately) agree, and it
// appends a hash of the original id, so two ids that differ only in invalid
// characters stay distinct.
import { createHash } from 'node:crypto';

const VALID_TOOL_CALL_ID = /^[a-zA-Z0-9_-]+$/;

export function toAnthropicToolCallId(id: string): string {
  if (VALID_TOOL_CALL_ID.test(id)) return id;
  const digest = createHash('sha256').update(id).digest('hex').slice(0, 10);
  const readable = id.replace(/[^a-zA-Z0-9_-]/g, '_').slice(0, 40);
  return `${readable || 'call'}_${digest}`;
}
