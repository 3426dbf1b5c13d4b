// Prompt-rules part of the conformance suite.
import { expect, test } from 'vitest';
import type { PromptRuleRecord } from '../../src/domain/prompt-rule.js';
import { StorageConflictError } from '../../src/domain/storage-conflict-error.js';
import { InvalidCursorError } from '../../src/storage/index.js';
import type { ConformanceContext } from './conformance.js';
import { BEYOND_2038_MS, collectPages, YEAR_9999_MS } from './fixtures.js';

export function makePromptRule(overrides: Partial<PromptRuleRecord> = {}): PromptRuleRecord {
  return {
    id: 'pr_1',
    name: 'policy',
    enabled: true,
    scope: 'route',
    scopeId: 'smart',
    order: 0,
    operation: 'append-system',
    text: 'Today is {{date}}.',
    pattern: '',
    flags: '',
    replacement: '',
    roles: [],
    firstUserTurnOnly: false,
    createdAt: 1_750_000_000_000,
    updatedAt: 1_750_000_000_000,
    ...overrides,
  };
}

export function describePromptRulesConformance(context: ConformanceContext): void {
  test('insert, get, replace, delete', async () => {
    const { promptRules } = context.storage();
    const rule = makePromptRule();
    await promptRules.insert(rule);
    expect(await promptRules.get('pr_1')).toEqual(rule);
    expect(await promptRules.get('PR_1')).toBeNull(); // ids compare exactly
    expect(await promptRules.get('missing')).toBeNull();

    const changed = makePromptRule({
      name: 'mask',
      enabled: false,
      scope: 'key',
      scopeId: 'key_0123',
      order: -1_000_000,
      operation: 'regex-replace',
      text: '',
      pattern: '(?<n>\\d{4})-\\d+',
      flags: 'gimsu',
      replacement: '$<n>-****',
      roles: ['system', 'developer', 'user', 'assistant', 'tool'],
      firstUserTurnOnly: true,
      updatedAt: YEAR_9999_MS,
    });
    expect(await promptRules.replace(changed)).toBe(true);
    expect(await promptRules.get('pr_1')).toEqual(changed);
    expect(await promptRules.replace(changed)).toBe(true); // an unchanged row still exists
    expect(await promptRules.replace(makePromptRule({ id: 'missing' }))).toBe(false);

    expect(await promptRules.delete('pr_1')).toBe(true);
    expect(await promptRules.delete('pr_1')).toBe(false);
    expect(await promptRules.get('pr_1')).toBeNull();
  });

  test('a duplicate id, or a duplicate name within a scope, is a StorageConflictError', async () => {
    const { promptRules } = context.storage();
    await promptRules.insert(makePromptRule());
    await expect(promptRules.insert(makePromptRule({ name: 'other' }))).rejects.toBeInstanceOf(StorageConflictError);
    await expect(promptRules.insert(makePromptRule({ id: 'pr_2' }))).rejects.toBeInstanceOf(StorageConflictError);
    // The same name elsewhere, or differing only in case (binary comparison), is fine.
    await promptRules.insert(makePromptRule({ id: 'pr_3', scopeId: 'other' }));
    await promptRules.insert(makePromptRule({ id: 'pr_4', scope: 'key' }));
    await promptRules.insert(makePromptRule({ id: 'pr_5', name: 'POLICY' }));
    await expect(promptRules.replace(makePromptRule({ id: 'pr_5' }))).rejects.toBeInstanceOf(StorageConflictError);
    expect((await promptRules.get('pr_5'))?.name).toBe('POLICY');
  });

  test('the largest valid rule and unicode round-trip; timestamps past 2038', async () => {
    const { promptRules } = context.storage();
    const rule = makePromptRule({
      name: '规'.repeat(100),
      scopeId: `r${'x'.repeat(199)}`,
      text: `😀 "quoted" it's \\ back\nslash\t{{user_prompt}}${'路'.repeat(9_900)}`.slice(0, 10_000),
      order: 1_000_000,
      createdAt: BEYOND_2038_MS,
      updatedAt: YEAR_9999_MS,
    });
    await promptRules.insert(rule);
    expect(await promptRules.get(rule.id)).toEqual(rule);
    const regex = makePromptRule({
      id: 'pr_regex',
      operation: 'regex-replace',
      text: '',
      pattern: '😀'.repeat(250),
      flags: 'g',
      replacement: '🚀'.repeat(10_000 / 2),
      roles: ['user'],
    });
    await promptRules.insert(regex);
    expect(await promptRules.get('pr_regex')).toEqual(regex);
  });

  test('keyset pagination by id, filtered by scope and scope id', async () => {
    const { promptRules } = context.storage();
    const ids = ['pr_b', 'pr_A', 'pr_a', 'pr_c', 'pr_d', 'pr_e'];
    for (const [index, id] of ids.entries()) {
      await promptRules.insert(
        makePromptRule({ id, name: `n${index}`, scope: index % 2 === 0 ? 'route' : 'key', scopeId: index < 4 ? 'x' : 'y' }),
      );
    }
    const sorted = [...ids].sort();
    const all = await collectPages((cursor) => promptRules.list({ limit: 4, cursor }));
    expect(all.items.map((rule) => rule.id)).toEqual(sorted);
    expect(all.pageCount).toBe(2);
    expect((await promptRules.listAll()).map((rule) => rule.id)).toEqual(sorted);

    const routes = await collectPages((cursor) => promptRules.list({ limit: 1, cursor, scope: 'route' }));
    expect(routes.items.map((rule) => rule.id)).toEqual(['pr_a', 'pr_b', 'pr_d'].sort());
    const keyX = await promptRules.list({ limit: 10, scope: 'key', scopeId: 'x' });
    expect(keyX.items.map((rule) => rule.id)).toEqual(['pr_A', 'pr_c']);
    expect((await promptRules.list({ limit: 10, scopeId: 'y' })).items.map((rule) => rule.id)).toEqual(['pr_d', 'pr_e']);

    await expect(promptRules.list({ limit: 2, cursor: 'not-a-cursor' })).rejects.toBeInstanceOf(InvalidCursorError);
    await expect(promptRules.list({ limit: 0 })).rejects.toBeInstanceOf(RangeError);
  });

  test('an empty table lists nothing', async () => {
    const { promptRules } = context.storage();
    expect(await promptRules.list({ limit: 10 })).toEqual({ items: [], nextCursor: null });
    expect(await promptRules.listAll()).toEqual([]);
  });
}
