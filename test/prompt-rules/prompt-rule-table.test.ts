// The prompt-rule table: one load for many lookups, TTL refresh in the background, invalidate.
import { describe, expect, it } from 'vitest';
import { createPromptRuleTable } from '../../src/core/prompt-rules/prompt-rule-table.js';
import type { PromptRuleRecord, PromptRulesRepository } from '../../src/domain/prompt-rule.js';
import { makeRule } from './rule-fixtures.js';

function fakeRepository(initial: PromptRuleRecord[]) {
  const state = { rules: initial, loads: 0, fail: false };
  const repository = {
    listAll: async () => {
      state.loads += 1;
      if (state.fail) throw new Error('database down');
      return [...state.rules];
    },
  } as unknown as PromptRulesRepository;
  return { state, repository };
}

describe('createPromptRuleTable', () => {
  it('loads once, refreshes after the TTL (serving the last set meanwhile and on errors), reloads on invalidate', async () => {
    let now = 0;
    const errors: unknown[] = [];
    const { state, repository } = fakeRepository([makeRule({ name: 'a' })]);
    const table = createPromptRuleTable({ repository, ttlMs: 1000, now: () => now, onError: (error) => errors.push(error) });
    const names = async () => (await table.rulesFor('', 'smart')).map((rule) => rule.name);

    expect(await Promise.all([names(), names()])).toEqual([['a'], ['a']]);
    expect(state.loads).toBe(1);

    state.rules = [makeRule({ name: 'a' }), makeRule({ name: 'b' })];
    now = 1001;
    expect(await names()).toEqual(['a']); // stale while the refresh runs
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(await names()).toEqual(['a', 'b']);

    state.fail = true;
    now = 2100;
    expect(await names()).toEqual(['a', 'b']);
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(errors).toHaveLength(1);

    state.fail = false;
    state.rules = [makeRule({ name: 'c' })];
    table.invalidate();
    expect(await names()).toEqual(['c']);
  });

  it('leaves out a stored regex rule the linear-time engine cannot compile, and reports it once per version', async () => {
    // Saved before the gateway ran patterns on RE2: a backreference compiled then.
    const legacy = makeRule({ name: 'legacy', operation: 'regex-replace', text: '', pattern: '(\\w)\\1', flags: 'g', replacement: '<$1>', roles: ['user'] });
    const { state, repository } = fakeRepository([legacy, makeRule({ name: 'kept', operation: 'regex-replace', text: '', pattern: 'a+', flags: 'g', replacement: 'A' })]);
    const skipped: Array<[string, string]> = [];
    const table = createPromptRuleTable({ repository, onRuleSkipped: (rule, reason) => skipped.push([rule.name, reason]) });
    const names = async () => (await table.rulesFor('', 'smart')).map((rule) => rule.name);

    expect(await names()).toEqual(['kept']);
    table.invalidate();
    expect(await names()).toEqual(['kept']);
    expect(skipped).toEqual([['legacy', 'backreferences are not supported: `\\1`']]);

    state.rules = [{ ...legacy, pattern: '(?<=x)y', updatedAt: legacy.updatedAt + 1 }];
    table.invalidate();
    expect(await names()).toEqual([]);
    expect(skipped.at(-1)).toEqual(['legacy', 'lookbehind is not supported: `(?<=`']);
  });
});
