import { describe, expect, it } from 'vitest';
import { isModelAllowed } from '../../src/core/completion/model-access.js';

describe('allowed-model patterns', () => {
  it('matches globs against any of the names a model answers to', () => {
    const names = ['openai/gpt-4o-mini', 'gpt-4o-mini', 'cheap', 'openai/cheap'];
    expect(isModelAllowed([], names)).toBe(true);
    expect(isModelAllowed(['gpt-4o*'], names)).toBe(true);
    expect(isModelAllowed(['openai/*'], names)).toBe(true);
    expect(isModelAllowed(['anthropic/*'], names)).toBe(false);
    expect(isModelAllowed(['gpt-4'], names)).toBe(false);
    expect(isModelAllowed(['claude-*', 'cheap'], names)).toBe(true);
  });

  it('does not let * cross a provider boundary', () => {
    expect(isModelAllowed(['*'], ['openai/gpt-4o'])).toBe(false);
    expect(isModelAllowed(['*/*'], ['openai/gpt-4o'])).toBe(true);
  });
});
