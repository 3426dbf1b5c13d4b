// Validation of a whole health check, shared by create and update (which
// validates the merged result). Each failure names the field. Whether the
// target exists is the admin's check (it needs the repositories).
import type { Duration } from '@bufbuild/protobuf/wkt';
import type { HealthCheckRecord } from '../../../domain/health-check.js';
import { invalidArgument } from '../../../domain/gateway-error.js';
import { PROVIDER_ID_PATTERN } from '../providers/provider-validation.js';
import { durationField, formatMs, validateRouteName } from '../routes/route-validation.js';
import { requireText } from '../validate.js';

export const MAX_CHECK_NAME = 100;
export const MIN_INTERVAL_MS = 10_000;
export const MAX_INTERVAL_MS = 86_400_000;
export const DEFAULT_INTERVAL_MS = 60_000;
export const MIN_TIMEOUT_MS = 1_000;
export const MAX_TIMEOUT_MS = 120_000;
export const DEFAULT_TIMEOUT_MS = 30_000;
export const MAX_PROMPT = 2_000;
export const DEFAULT_PROMPT = 'Reply with OK.';
/** A check asks for a few tokens: it measures reachability and latency, not generation (and costs little). */
export const MAX_OUTPUT_TOKENS = 256;
export const DEFAULT_MAX_OUTPUT_TOKENS = 16;

const MODEL_ID_PATTERN = /^[^\s/][^\s]{0,199}$/;
// Tabs and line breaks are fine in a prompt; other control characters are not.
const CONTROL_CHARACTERS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

/** The check as the client describes it, before validation; unset durations and '' / 0 take the defaults. */
export interface HealthCheckInput {
  name: string;
  enabled: boolean;
  providerId: string;
  upstreamModel: string;
  route: string;
  interval?: Duration | undefined;
  timeout?: Duration | undefined;
  prompt: string;
  maxOutputTokens: number;
}

export type HealthCheckFields = Omit<HealthCheckRecord, 'id' | 'createdAt' | 'updatedAt'>;

export function validateHealthCheck(input: HealthCheckInput): HealthCheckFields {
  const name = requireText('name', input.name, { max: MAX_CHECK_NAME });
  const intervalMs = durationField('interval', input.interval, DEFAULT_INTERVAL_MS, MIN_INTERVAL_MS, MAX_INTERVAL_MS);
  const timeoutMs = durationField('timeout', input.timeout, Math.min(DEFAULT_TIMEOUT_MS, intervalMs), MIN_TIMEOUT_MS, MAX_TIMEOUT_MS);
  // A run ends before the next one is due, so runs of one check never overlap.
  if (timeoutMs > intervalMs) throw invalidArgument('timeout', `must be at most the interval (${formatMs(intervalMs)})`);
  return {
    name,
    enabled: input.enabled,
    ...validateTarget(input),
    intervalMs,
    timeoutMs,
    prompt: validatePrompt(input.prompt),
    maxOutputTokens: validateMaxOutputTokens(input.maxOutputTokens),
  };
}

function validateTarget(input: HealthCheckInput): { providerId: string; upstreamModel: string; route: string } {
  const providerId = input.providerId.trim();
  const upstreamModel = input.upstreamModel.trim();
  const route = input.route.trim();
  if (route !== '') {
    if (providerId !== '' || upstreamModel !== '') {
      throw invalidArgument('route', 'a check targets a route or a provider model (provider_id, upstream_model), not both');
    }
    return { providerId: '', upstreamModel: '', route: validateRouteName('route', route) };
  }
  if (providerId === '' && upstreamModel === '') {
    throw invalidArgument('provider_id', 'is required: the target is a provider model (provider_id and upstream_model) or a route');
  }
  if (!PROVIDER_ID_PATTERN.test(providerId)) throw invalidArgument('provider_id', 'is not a valid provider id');
  if (!MODEL_ID_PATTERN.test(upstreamModel)) {
    throw invalidArgument('upstream_model', 'is required: 1–200 characters, no spaces, not starting with "/"');
  }
  return { providerId, upstreamModel, route: '' };
}

function validatePrompt(prompt: string): string {
  if (prompt.trim() === '') return DEFAULT_PROMPT;
  if (prompt.length > MAX_PROMPT) throw invalidArgument('prompt', `must be at most ${MAX_PROMPT} characters`);
  if (CONTROL_CHARACTERS.test(prompt)) throw invalidArgument('prompt', 'must not contain control characters other than tab and line breaks');
  return prompt;
}

function validateMaxOutputTokens(value: number): number {
  if (value === 0) return DEFAULT_MAX_OUTPUT_TOKENS;
  if (!Number.isInteger(value) || value < 1 || value > MAX_OUTPUT_TOKENS) {
    throw invalidArgument('max_output_tokens', `must be between 1 and ${MAX_OUTPUT_TOKENS}`);
  }
  return value;
}
