// validatePromptRule: bad regex, unknown template variables, missing text, bad scope, field rules.
import { beforeAll, describe, expect, it } from 'vitest';
import { Role } from '../../gen/llmgateway/v1/chat_pb.js';
import { PromptRuleOperation, PromptRuleScope } from '../../gen/llmgateway/v1/prompt_rules_service_pb.js';
import { GatewayError } from '../../src/domain/gateway-error.js';
import { validatePromptRule, type PromptRuleInput } from '../../src/core/admin/prompt-rules/prompt-rule-validation.js';
import { loadLinearRegexEngine } from '../../src/core/regex/linear-regex.js';

const base: PromptRuleInput = {
  name: 'policy',
  enabled: true,
  scope: PromptRuleScope.ROUTE,
  scopeId: 'smart',
  order: 0,
  operation: PromptRuleOperation.APPEND_SYSTEM,
  text: 'Today is {{date}}.',
  pattern: '',
  flags: '',
  replacement: '',
  roles: [],
  firstUserTurnOnly: false,
};
const regex: PromptRuleInput = { ...base, operation: PromptRuleOperation.REGEX_REPLACE, text: '', pattern: '\\bfoo\\b', flags: 'gi', replacement: 'bar' };

function refusal(input: Partial<PromptRuleInput>, from: PromptRuleInput = base): GatewayError {
  try {
    validatePromptRule({ ...from, ...input });
  } catch (error) {
    expect(error).toBeInstanceOf(GatewayError);
    expect((error as GatewayError).kind).toBe('invalid_argument');
    return error as GatewayError;
  }
  throw new Error('expected a refusal');
}

// The engine is loaded on first need by the gateway's async paths; these call the synchronous parts directly.
beforeAll(loadLinearRegexEngine);

describe('validatePromptRule', () => {
  it('accepts a template rule and a regex rule (default roles system + user)', () => {
    expect(validatePromptRule(base)).toMatchObject({ name: 'policy', scope: 'route', scopeId: 'smart', operation: 'append-system', roles: [] });
    expect(validatePromptRule({ ...base, text: '{{ datetime }} {{key.name}} {{metadata.team-x}} {{user_prompt}}' }).text).toContain('{{ datetime }}');
    expect(validatePromptRule(regex)).toMatchObject({ operation: 'regex-replace', pattern: '\\bfoo\\b', flags: 'gi', replacement: 'bar', roles: ['system', 'user'] });
    expect(validatePromptRule({ ...regex, roles: [Role.ASSISTANT, Role.TOOL, Role.ASSISTANT] }).roles).toEqual(['assistant', 'tool']);
    expect(validatePromptRule({ ...base, scope: PromptRuleScope.KEY, scopeId: 'key_0123abcd' }).scope).toBe('key');
  });

  it('refuses a bad regex: not compiling, empty, too long, bad or repeated flags', () => {
    expect(refusal({ pattern: '(unclosed' }, regex).message).toMatch(/^pattern: does not compile/);
    expect(refusal({ pattern: '' }, regex).field).toBe('pattern');
    expect(refusal({ pattern: 'a'.repeat(501) }, regex).message).toContain('at most 500');
    expect(refusal({ flags: 'gy' }, regex).message).toContain('"y" is not allowed');
    expect(refusal({ flags: 'gg' }, regex).message).toContain('"g" is repeated');
    expect(refusal({ pattern: '\\p{L', flags: 'u' }, regex).field).toBe('pattern');
    expect(refusal({ roles: [Role.UNSPECIFIED] }, regex).field).toBe('roles[0]');
  });

  it('refuses what the linear-time engine cannot run (backreferences, lookaround), saying why', () => {
    const cases: Array<[pattern: string, reason: string]> = [
      ['(\\w)\\1', 'backreferences are not supported: `\\1`'],
      ['(?<w>a)\\k<w>', 'backreferences are not supported: `\\k`'],
      ['secret(?=:)', 'lookahead is not supported: `(?=`'],
      ['(?<=key=)\\w+', 'lookbehind is not supported: `(?<=`'],
    ];
    for (const [pattern, reason] of cases) {
      const error = refusal({ pattern }, regex);
      expect(error.field).toBe('pattern');
      expect(error.message).toBe(
        `pattern: does not compile on the gateway's linear-time regex engine (RE2 syntax: no backreferences, lookahead or lookbehind): ${reason}`,
      );
    }
    // Nested quantifiers are fine: the engine's time is linear in the text whatever the pattern.
    expect(validatePromptRule({ ...regex, pattern: '(a+)+$' }).pattern).toBe('(a+)+$');
  });

  it('refuses unknown template variables, naming the field and the variable', () => {
    const error = refusal({ text: 'Hello {{user.name}}' });
    expect(error.field).toBe('text');
    expect(error.message).toContain('"{{user.name}}"');
    expect(refusal({ text: '{{metadata.}}' }).message).toContain('{{metadata.}}');
    expect(refusal({ text: '{{ }}' }).message).toContain('unknown template variable');
  });

  it('refuses missing text and fields of the other kind of operation', () => {
    expect(refusal({ text: '' }).message).toBe('text: is required for this operation');
    expect(refusal({ text: '   ' }).field).toBe('text');
    expect(refusal({ text: 'x'.repeat(10_001) }).field).toBe('text');
    expect(refusal({ text: 'bell\u0007' }).field).toBe('text');
    expect(validatePromptRule({ ...base, text: 'line\n\tbreaks ok' }).text).toBe('line\n\tbreaks ok');
    expect(refusal({ pattern: 'x' }).field).toBe('pattern');
    expect(refusal({ roles: [Role.USER] }).field).toBe('roles');
    expect(refusal({ text: 'x' }, regex).field).toBe('text');
    expect(refusal({ operation: PromptRuleOperation.UNSPECIFIED }).field).toBe('operation');
  });

  it('refuses a bad scope, scope id, name or order', () => {
    expect(refusal({ scope: PromptRuleScope.UNSPECIFIED }).field).toBe('scope');
    expect(refusal({ scope: 99 as PromptRuleScope }).field).toBe('scope');
    expect(refusal({ scopeId: '' }).message).toContain('the route name');
    expect(refusal({ scope: PromptRuleScope.KEY, scopeId: '' }).message).toContain('the virtual key id');
    expect(refusal({ scopeId: 'has space' }).field).toBe('scope_id');
    expect(refusal({ scope: PromptRuleScope.KEY, scopeId: 'key id!' }).field).toBe('scope_id');
    expect(refusal({ name: '' }).field).toBe('name');
    expect(refusal({ name: 'n'.repeat(101) }).field).toBe('name');
    expect(refusal({ order: 1.5 }).field).toBe('order');
    expect(refusal({ order: 1_000_001 }).field).toBe('order');
  });
});
