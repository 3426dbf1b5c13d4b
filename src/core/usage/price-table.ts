// Built-in list prices (USD per million tokens) for common models, used when
// a provider model has no prices of its own (provider prices always win).
// Vendors change prices: these are defaults, not a source of truth — set
// `prices` on the provider's models to bill exactly. Matched by the longest
// prefix of the upstream model id, so dated variants (gpt-4o-2024-08-06)
// inherit their family's price — but never across kinds: a name that goes on
// with another kind of model (gpt-4o-audio-preview, gpt-4o-realtime-…) is not
// billed as the chat model it starts with; without a row of its own it is
// unpriced, which the answer warns about.
import type { ModelPricesRecord } from '../../domain/provider.js';

type PriceRow = [prefix: string, input: number, cachedInput: number, cacheWrite: number, output: number];

// OpenAI (platform pricing page): cached input as published; no cache-write charge.
// Anthropic: cache read 0.1× input, cache write (5-minute TTL) 1.25× input.
// Gemini (Developer API, prompts ≤ 200k tokens): cached as context-cache price.
// DeepSeek (https://api-docs.deepseek.com/quick_start/pricing, as published in November 2026): cache miss /
// cache hit / output. DeepSeek bills peak hours (weekdays 01:00–04:00 and 06:00–10:00 UTC, Chinese public
// holidays excepted) at twice its off-peak rates; a price here has no time of day, so these are the peak
// rates — an upper bound, so that a budget stops early rather than late (README, "Usage and cost").
// deepseek-v4-flash is an old name DeepSeek still serves and bills as deepseek-flash; deepseek-chat and
// deepseek-reasoner were retired on 2026-07-24 and have no row.
const ROWS: PriceRow[] = [
  ['gpt-5-nano', 0.05, 0.005, 0, 0.4],
  ['gpt-5-mini', 0.25, 0.025, 0, 2],
  ['gpt-5', 1.25, 0.125, 0, 10],
  ['gpt-4.1-nano', 0.1, 0.025, 0, 0.4],
  ['gpt-4.1-mini', 0.4, 0.1, 0, 1.6],
  ['gpt-4.1', 2, 0.5, 0, 8],
  ['gpt-4o-mini', 0.15, 0.075, 0, 0.6],
  ['gpt-4o', 2.5, 1.25, 0, 10],
  ['o4-mini', 1.1, 0.275, 0, 4.4],
  ['o3-mini', 1.1, 0.55, 0, 4.4],
  ['o3', 2, 0.5, 0, 8],
  ['o1-mini', 1.1, 0.55, 0, 4.4],
  ['o1', 15, 7.5, 0, 60],
  // Audio models (https://developers.openai.com/api/docs/models/gpt-4o-mini-tts, …/gpt-4o-transcribe,
  // …/gpt-4o-mini-transcribe, December 2026): their usage has input_tokens (text for speech; audio and prompt
  // text for a transcription, at the one input rate the model pages list) and output_tokens (audio for speech).
  ['gpt-4o-mini-tts', 0.6, 0, 0, 12],
  ['gpt-4o-mini-transcribe', 1.25, 0, 0, 5],
  ['gpt-4o-transcribe', 2.5, 0, 0, 10],
  ['text-embedding-3-small', 0.02, 0, 0, 0],
  ['text-embedding-3-large', 0.13, 0, 0, 0],
  // Opus from 4.5 on are priced lower than Opus 4 / 4.1 (the platform.claude.com model pages: 4.5, 4.6 and 5 at
  // $5 / $25, 5.5 at $4 / $20, with their published cache prices); a longer prefix wins, so they are listed.
  ['claude-opus-4-5', 5, 0.5, 6.25, 25],
  ['claude-opus-4-6', 5, 0.5, 6.25, 25],
  ['claude-opus-5-5', 4, 0.2, 5, 20],
  ['claude-opus-5', 5, 0.5, 6.25, 25],
  ['claude-opus-4', 15, 1.5, 18.75, 75],
  ['claude-sonnet-4', 3, 0.3, 3.75, 15],
  ['claude-3-7-sonnet', 3, 0.3, 3.75, 15],
  ['claude-3-5-sonnet', 3, 0.3, 3.75, 15],
  ['claude-haiku-4', 1, 0.1, 1.25, 5],
  ['claude-3-5-haiku', 0.8, 0.08, 1, 4],
  ['gemini-2.5-pro', 1.25, 0.31, 0, 10],
  ['gemini-2.5-flash-lite', 0.1, 0.025, 0, 0.4],
  ['gemini-2.5-flash', 0.3, 0.075, 0, 2.5],
  ['gemini-2.0-flash', 0.1, 0.025, 0, 0.4],
  ['deepseek-flash', 0.3, 0.006, 0, 1.2],
  ['deepseek-v4-flash', 0.3, 0.006, 0, 1.2],
  ['deepseek-v4-pro', 1.32, 0.044, 0, 3.96],
];

// Longest prefix first, so `gpt-4o-mini` is not read as `gpt-4o`.
// What follows a matched prefix and names another kind of model than the row's.
const OTHER_KIND = /(?:^|[-.@])(?:tts|transcribe|audio|realtime|search|image)(?:[-.@]|$)/;
const BY_PREFIX = [...ROWS].sort((left, right) => right[0].length - left[0].length);

// Looked up on every completion: remembered per upstream model id (a few
// distinct ids per deployment; bounded anyway, as ids come from configuration
// and from pass-through routes).
const remembered = new Map<string, ModelPricesRecord | null>();
const REMEMBERED_MAX = 1_000;

export function builtInPrices(upstreamModel: string): ModelPricesRecord | null {
  let prices = remembered.get(upstreamModel);
  if (prices === undefined) {
    prices = lookUp(upstreamModel);
    if (remembered.size >= REMEMBERED_MAX) remembered.clear();
    remembered.set(upstreamModel, prices);
  }
  return prices;
}

function lookUp(upstreamModel: string): ModelPricesRecord | null {
  const model = upstreamModel.toLowerCase().replace(/^models\//, '');
  const row = BY_PREFIX.find(([prefix]) => model === prefix || model.startsWith(`${prefix}-`) || model.startsWith(`${prefix}.`) || model.startsWith(`${prefix}@`));
  if (!row || OTHER_KIND.test(model.slice(row[0].length))) return null;
  const [, inputPerMillion, cachedInputPerMillion, cacheWritePerMillion, outputPerMillion] = row;
  // Shared by every caller: frozen.
  return Object.freeze({ inputPerMillion, cachedInputPerMillion, cacheWritePerMillion, outputPerMillion });
}

/** The prices a request is billed at: the provider model's own, else the built-in table, else none. */
export function pricesFor(model: { upstreamModel: string; prices: ModelPricesRecord | null }): ModelPricesRecord | null {
  return model.prices ?? builtInPrices(model.upstreamModel);
}
