import { create } from '@bufbuild/protobuf';
import { describe, expect, it } from 'vitest';
import { ReasoningConfigSchema, ReasoningEffort } from '../../../gen/llmgateway/v1/chat_pb.js';
import { convertReasoning } from '../../../src/providers/openai/convert-reasoning.js';
import { compatibleHost } from '../../../src/providers/openai/compatible-host.js';
import { familyTraits } from '../../../src/providers/openai/family.js';

const openai = familyTraits('openai');
const compatible = familyTraits('openai-compatible');
const deepseek = familyTraits('openai-compatible', compatibleHost('https://api.deepseek.com/v1', 'deepseek-flash'));
const config = (init: Parameters<typeof create<typeof ReasoningConfigSchema>>[1]) => create(ReasoningConfigSchema, init);

describe('convertReasoning', () => {
  it.each([
    [ReasoningEffort.NONE, 'none'],
    [ReasoningEffort.MINIMAL, 'minimal'],
    [ReasoningEffort.LOW, 'low'],
    [ReasoningEffort.MEDIUM, 'medium'],
    [ReasoningEffort.HIGH, 'high'],
    [ReasoningEffort.XHIGH, 'xhigh'],
  ])('effort %i → %s without warning', (effort, expected) => {
    expect(convertReasoning(config({ effort }), openai)).toEqual({ effort: expected, warnings: [] });
  });

  it('sends MAX as xhigh to OpenAI (with a warning) and as max to compatible hosts (DeepSeek knows it)', () => {
    const adjusted = convertReasoning(config({ effort: ReasoningEffort.MAX }), openai);
    expect(adjusted.effort).toBe('xhigh');
    expect(adjusted.warnings[0]).toMatchObject({ code: 'parameter_adjusted', param: 'reasoning.effort' });
    expect(convertReasoning(config({ effort: ReasoningEffort.MAX }), compatible)).toEqual({ effort: 'max', warnings: [] });
  });

  it("turns DeepSeek's thinking switch (api.deepseek.com only): off alone, on with the effort", () => {
    expect(deepseek.label).toBe('DeepSeek');
    expect(convertReasoning(config({ effort: ReasoningEffort.NONE }), deepseek)).toEqual({ effort: undefined, thinking: 'disabled', warnings: [] });
    expect(convertReasoning(config({ budgetTokens: 0 }), deepseek)).toMatchObject({ effort: undefined, thinking: 'disabled' });
    expect(convertReasoning(config({ effort: ReasoningEffort.MAX }), deepseek)).toEqual({ effort: 'max', thinking: 'enabled', warnings: [] });
    expect(convertReasoning(config({ budgetTokens: 2048 }), deepseek)).toMatchObject({ effort: 'medium', thinking: 'enabled' });
    // Asked for nothing: DeepSeek's default.
    expect(convertReasoning(config({ includeReasoning: true }), deepseek)).toEqual({ effort: undefined, warnings: [] });
    // Another host, or one that only looks like DeepSeek's, gets no switch.
    expect(convertReasoning(config({ effort: ReasoningEffort.NONE }), compatible)).toEqual({ effort: 'none', warnings: [] });
    expect(familyTraits('openai-compatible', compatibleHost('https://api.deepseek.com.example.net/v1', 'qwen3')).thinkingSwitch).toBe(false);
    expect(familyTraits('openai', compatibleHost('https://api.deepseek.com', 'deepseek-flash')).thinkingSwitch).toBe(false);
  });

  it.each([
    [0, 'none'],
    [128, 'minimal'],
    [1024, 'low'],
    [2000, 'medium'],
    [4096, 'high'],
    [8192, 'xhigh'],
    [32000, 'xhigh'],
  ])('budget %i → nearest effort %s, reported', (budgetTokens, expected) => {
    const result = convertReasoning(config({ budgetTokens }), openai);
    expect(result.effort).toBe(expected);
    expect(result.warnings[0]).toMatchObject({ code: 'parameter_adjusted', param: 'reasoning.budget_tokens' });
  });

  it('keeps the effort and reports the budget when both are given', () => {
    const result = convertReasoning(config({ effort: ReasoningEffort.LOW, budgetTokens: 9000 }), openai);
    expect(result.effort).toBe('low');
    expect(result.warnings[0]).toMatchObject({ param: 'reasoning.budget_tokens' });
  });

  it('warns for include_reasoning only where no reasoning text comes back', () => {
    expect(convertReasoning(config({ includeReasoning: true }), openai).warnings[0]).toMatchObject({ param: 'reasoning.include_reasoning' });
    expect(convertReasoning(config({ includeReasoning: true }), compatible).warnings).toEqual([]);
    expect(convertReasoning(undefined, openai)).toEqual({ effort: undefined, warnings: [] });
  });
});
