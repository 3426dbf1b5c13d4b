// The gateway's own response headers, shared by the REST shims: which
// provider and upstream model served the request, and the warnings
// (parameters a provider could not honour) as a compact JSON array, with
// params named as the client's own API names them.
import type { RouteInfo, Warning } from '../../gen/llmgateway/v1/chat_pb.js';
import type { RequestReport } from '../core/completion/completion-call.js';
import { rateLimitHeaders } from '../core/limits/rate-limit-headers.js';
import { attemptsHeader, headerSafe } from '../server/attempts-header.js';

/** Keeps a header well under common proxy limits (8 KiB per header line). */
const MAX_WARNINGS_HEADER = 4096;

export interface WarningEntry {
  code: string;
  param: string;
  message: string;
}

/**
 * x-gateway-provider / x-gateway-upstream-model (who served), x-gateway-route
 * (the route the client named), x-gateway-expert (the expert an expert route
 * chose) and x-gateway-attempts (server/attempts-header.ts).
 */
export function routeHeaders(route: RouteInfo | undefined): Record<string, string> {
  if (!route) return {};
  const headers: Record<string, string> = {};
  if (route.providerId) headers['x-gateway-provider'] = headerSafe(route.providerId);
  if (route.upstreamModel) headers['x-gateway-upstream-model'] = headerSafe(route.upstreamModel);
  if (route.route) headers['x-gateway-route'] = headerSafe(route.route);
  if (route.expert) headers['x-gateway-expert'] = headerSafe(route.expert);
  if (route.rulesApplied.length > 0) headers['x-gateway-rules'] = headerSafe(route.rulesApplied.join(', '));
  if (route.attempts.length > 0) headers['x-gateway-attempts'] = attemptsHeader(route.attempts);
  return headers;
}

/** x-ratelimit-* (keys with limits) and x-gateway-cache (keys with the cache on), from what the core reported. */
export function governanceHeaders(report: RequestReport): Record<string, string> {
  const headers = report.limits ? rateLimitHeaders(report.limits) : {};
  if (report.cache) headers['x-gateway-cache'] = report.cache;
  return headers;
}

/**
 * The warnings a client of a surface that implies `reasoning.include_reasoning` (OpenAI's `reasoning_effort`,
 * the Responses API's `reasoning.effort` without a summary) should see: the shim asks for the reasoning text so
 * that families which return it (Claude, Gemini, DeepSeek) do, and a family that cannot return it has nothing to
 * say to a client that never asked — its effort was sent.
 */
export function withoutImpliedReasoningNotice(warnings: readonly Warning[]): readonly Warning[] {
  return warnings.some((warning) => warning.param === IMPLIED_REASONING_PARAM)
    ? warnings.filter((warning) => warning.param !== IMPLIED_REASONING_PARAM)
    : warnings;
}
const IMPLIED_REASONING_PARAM = 'reasoning.include_reasoning';

/** Canonical warnings with their params renamed for the client's API. */
export function warningEntries(warnings: readonly Warning[], renameParam: (param: string) => string): WarningEntry[] {
  return warnings.map((warning) => ({
    code: warning.code,
    param: warning.param ? renameParam(warning.param) : '',
    message: warning.message,
  }));
}

/**
 * `x-gateway-warnings: [{"code":…,"param":…,"message":…}, …]`, ASCII-only
 * (non-ASCII escaped as \uXXXX, still valid JSON). Entries that do not fit
 * are counted in a last `{"code":"truncated","count":n}` entry.
 */
export function warningsHeaderFrom(entries: readonly WarningEntry[]): Record<string, string> {
  if (entries.length === 0) return {};
  const kept: WarningEntry[] = [];
  for (const entry of entries) {
    if (asciiJson([...kept, entry]).length > MAX_WARNINGS_HEADER) break;
    kept.push(entry);
  }
  const dropped = entries.length - kept.length;
  const list: Array<WarningEntry | { code: 'truncated'; count: number }> = [...kept];
  if (dropped > 0) list.push({ code: 'truncated', count: dropped });
  return { 'x-gateway-warnings': asciiJson(list) };
}

function asciiJson(value: unknown): string {
  return JSON.stringify(value).replace(/[\u007f-\uffff]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
