// Money, tokens and durations in the user's locale; the chart's time buckets; API errors on fields;
// and the two languages holding the same strings.
import { describe, expect, it } from 'vitest';
import { create } from '@bufbuild/protobuf';
import { Code, ConnectError } from '@connectrpc/connect';
import { UsageAggregateSchema } from '../../gen/llmgateway/v1/usage_service_pb.js';
import { formatDuration, formatTokens, formatUsd } from '../../console/src/format/format.js';
import { shownApiKey } from '../../console/src/format/provider-key.js';
import { ProviderType } from '../../gen/llmgateway/v1/providers_service_pb.js';
import { bucketStartMs, toTimeSeries, topByCost, totalsOf } from '../../console/src/format/chart-series.js';
import { placeOf, toFormError } from '../../console/src/api/errors.js';
import { en } from '../../console/src/i18n/en.js';
import { zhCN } from '../../console/src/i18n/zh-CN.js';

describe('formatting', () => {
  it('shows dollars as cents, and tiny sums with significant digits', () => {
    expect(formatUsd(1234.5, 'en')).toBe('$1,234.50');
    expect(formatUsd(0, 'en')).toBe('$0.00');
    expect(formatUsd(0.00017, 'en')).toBe('$0.00017');
    expect(formatUsd(0.0123456, 'en')).toBe('$0.01');
    expect(formatUsd(5, 'zh-CN')).toBe('US$5.00');
  });

  it('shows tokens exactly below 10 000 and compactly above, per locale', () => {
    expect(formatTokens(9_999, 'en')).toBe('9,999');
    expect(formatTokens(12_345n, 'en')).toBe('12.3K');
    expect(formatTokens(1_500_000, 'en')).toBe('1.5M');
    expect(formatTokens(12_345, 'zh-CN')).toBe('1.2万');
  });

  it('shows latencies in ms below a second and in seconds above', () => {
    expect(formatDuration({ seconds: 0n, nanos: 245_600_000 } as never, 'en')).toBe('246 ms');
    expect(formatDuration({ seconds: 2n, nanos: 270_000_000 } as never, 'en')).toBe('2.27 s');
    expect(formatDuration(undefined, 'en')).toBe('—');
  });
});

describe('a provider\'s API key in the list', () => {
  it('shows its last 4, and for a key too short to show any, that one is set (or may be, where a key is optional)', () => {
    expect(shownApiKey({ type: ProviderType.OPENAI, apiKeyLast4: 'WXYZ' })).toEqual({ ending: '…WXYZ' });
    // az-DDDD4444: 11 characters, of which the API shows nothing; an Azure provider cannot be without a key.
    expect(shownApiKey({ type: ProviderType.AZURE_OPENAI, apiKeyLast4: '' })).toEqual({ message: 'providers.keyShort' });
    expect(en.providers.keyShort).toBe('Set (under 12 characters: not shown)');
    // An openai-compatible provider (a local server) may have no key at all, or "EMPTY".
    expect(shownApiKey({ type: ProviderType.OPENAI_COMPATIBLE, apiKeyLast4: '' })).toEqual({ message: 'providers.keyNoneOrShort' });
  });
});

describe('chart series', () => {
  const row = (group: string, requests: number, costUsd: number) => create(UsageAggregateSchema, { group, requests, errors: 1, inputTokens: 10n, outputTokens: 5n, costUsd, p95Latency: { seconds: 1n, nanos: 500_000_000 } });

  it('reads day and hour groups as UTC', () => {
    expect(bucketStartMs('2026-12-04')).toBe(Date.UTC(2026, 11, 4));
    expect(bucketStartMs('2026-12-04T09:00Z')).toBe(Date.UTC(2026, 11, 4, 9));
    expect(bucketStartMs('key_1')).toBeNaN();
  });

  it('fills every hour of the window, empty ones with zeros', () => {
    const from = Date.UTC(2026, 11, 4, 6, 30);
    const to = Date.UTC(2026, 11, 4, 10, 0);
    const series = toTimeSeries([row('2026-12-04T07:00Z', 3, 0.5), row('2026-12-04T09:00Z', 1, 0.25), row('2026-12-01T09:00Z', 9, 9)], 'hour', from, to);
    expect(series.times).toEqual([6, 7, 8, 9].map((hour) => Date.UTC(2026, 11, 4, hour) / 1000));
    expect(series.requests).toEqual([0, 3, 0, 1]);
    expect(series.tokens).toEqual([0, 15, 0, 15]);
    expect(series.costUsd).toEqual([0, 0.5, 0, 0.25]);
    expect(series.p95Ms).toEqual([null, 1500, null, 1500]);
  });

  it('totals rows and ranks them by cost', () => {
    const rows = [row('a', 1, 0.1), row('b', 5, 2), row('c', 2, 0.1)];
    expect(totalsOf(rows)).toEqual({ requests: 8, errors: 3, tokens: 45, costUsd: 2.2 });
    expect(topByCost(rows, 2).map((top) => top.group)).toEqual(['b', 'c']);
  });
});

describe('API errors on form fields', () => {
  it('puts an invalid_argument on the field it names', () => {
    const error = toFormError(new ConnectError('models[0].prices.input_per_million: must be at least 0', Code.InvalidArgument));
    expect(error).toMatchObject({ field: 'models[0].prices.input_per_million', message: 'must be at least 0' });
    const places = ['models[0]', 'models[0].alias', 'models[0].prices.input_per_million', 'models[1]', 'budget'];
    expect(placeOf(error.field, places)).toBe('models[0].prices.input_per_million');
    expect(placeOf('budget.amount', places)).toBe('budget');
    expect(placeOf('models[10]', places)).toBeUndefined();
  });

  it('shows an error on the most specific place at or above its field, else nowhere on the form (the banner shows it)', () => {
    // A whole-row error (the API names `models[1]`: a model name given twice) on its row.
    expect(placeOf('models[1]', ['models', 'models[1]', 'models[1].alias', 'models[1].upstream_model'])).toBe('models[1]');
    // A field the row does not show: on its row.
    expect(placeOf('models[1].quota.requests_per_minute', ['models', 'models[1]', 'models[1].alias'])).toBe('models[1]');
    // A weight's error on the weight only, not also on the row's target field `targets[0]`.
    expect(placeOf('targets[0].weight', ['targets', 'targets[0]', 'targets[0].weight'])).toBe('targets[0].weight');
    expect(placeOf('targets[0]', ['targets', 'targets[0]', 'targets[0].weight'])).toBe('targets[0]');
    expect(placeOf('settings.backoff', ['settings.max_retries', 'name'])).toBeUndefined();
  });

  it('keeps other failures whole, with no field', () => {
    expect(toFormError(new ConnectError('provider "x" not found', Code.NotFound))).toMatchObject({ field: '', message: 'provider "x" not found', code: Code.NotFound });
  });
});

describe('translations', () => {
  const keysOf = (value: object, prefix = ''): string[] =>
    Object.entries(value).flatMap(([name, inner]) => (typeof inner === 'object' ? keysOf(inner as object, `${prefix}${name}.`) : [`${prefix}${name}`]));

  it('has every English string in Chinese, translated, with the same placeholders', () => {
    const english = keysOf(en);
    expect(keysOf(zhCN)).toEqual(english);
    const lookup = (messages: object, key: string) => key.split('.').reduce<unknown>((node, part) => (node as Record<string, unknown>)[part], messages) as string;
    const untranslated = english.filter((key) => lookup(zhCN, key) === lookup(en, key) && /[a-z]{4,}/.test(lookup(en, key)) && !/^(OpenAI|Azure OpenAI|Anthropic|Google Gemini|p\d\d)/.test(lookup(en, key)));
    expect(untranslated).toEqual([]);
    const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((match) => match[1]).sort();
    expect(english.filter((key) => placeholders(lookup(en, key)).join() !== placeholders(lookup(zhCN, key)).join())).toEqual([]);
  });
});
