// PromptRulesService through Connect's in-memory transport: CRUD, partial
// updates with and without a mask, filters, pagination, admin token, the rule table.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Code, ConnectError, createClient, type Client } from '@connectrpc/connect';
import { timestampMs } from '@bufbuild/protobuf/wkt';
import { Role } from '../../gen/llmgateway/v1/chat_pb.js';
import type { MessageInitShape } from '@bufbuild/protobuf';
import {
  PromptRuleOperation,
  PromptRuleScope,
  PromptRulesService,
  type CreatePromptRuleRequestSchema,
} from '../../gen/llmgateway/v1/prompt_rules_service_pb.js';
import { adminHeaders, createInMemoryServices, type InMemoryServices } from '../helpers/in-memory-services.js';
import { hashOf, makeKey, makeRoute } from '../storage/fixtures.js';

const admin = { headers: adminHeaders };
type CreateInit = MessageInitShape<typeof CreatePromptRuleRequestSchema>;

async function failure(promise: Promise<unknown>): Promise<ConnectError> {
  try {
    await promise;
  } catch (error) {
    return ConnectError.from(error);
  }
  throw new Error('expected the call to fail');
}

describe('PromptRulesService', () => {
  let services: InMemoryServices;
  let client: Client<typeof PromptRulesService>;
  const createRule = (init: CreateInit = {}) =>
    client.createPromptRule(
      {
        name: 'policy',
        scope: PromptRuleScope.ROUTE,
        scopeId: 'smart',
        operation: PromptRuleOperation.APPEND_SYSTEM,
        text: 'Today is {{date}}.',
        ...init,
      },
      admin,
    );

  beforeEach(async () => {
    services = await createInMemoryServices();
    client = createClient(PromptRulesService, services.transport);
    // The routes and keys the rules below are scoped to.
    for (const name of ['smart', 'other']) await services.storage.routes.insert(makeRoute({ name }));
    for (const id of ['key_1', 'key_2']) await services.storage.keys.insert(makeKey({ id, secretHash: hashOf(id) }));
  });

  it('refuses a rule scoped to a route or a key that does not exist, on create and on update', async () => {
    const route = await failure(createRule({ scopeId: 'no-such-route' }));
    expect(route.code).toBe(Code.InvalidArgument);
    expect(route.rawMessage).toBe('scope_id: no route is named "no-such-route" (create the route first)');
    const key = await failure(createRule({ scope: PromptRuleScope.KEY, scopeId: 'key_missing' }));
    expect(key.rawMessage).toBe('scope_id: no virtual key has the id "key_missing"');
    const { rule } = await createRule();
    expect((await failure(client.updatePromptRule({ id: rule!.id, scopeId: 'gone' }, admin))).code).toBe(Code.InvalidArgument);
    expect((await client.updatePromptRule({ id: rule!.id, scopeId: 'other' }, admin)).rule?.scopeId).toBe('other');
  });
  afterEach(() => services.close());

  it('creates, gets, lists and deletes a rule', async () => {
    services.setNow(1_750_000_000_000);
    const { rule } = await createRule({ order: 3, firstUserTurnOnly: true });
    expect(rule).toMatchObject({
      name: 'policy',
      enabled: true,
      scope: PromptRuleScope.ROUTE,
      scopeId: 'smart',
      order: 3,
      operation: PromptRuleOperation.APPEND_SYSTEM,
      text: 'Today is {{date}}.',
      roles: [],
      firstUserTurnOnly: true,
    });
    expect(rule?.id).toMatch(/^pr_[0-9a-f]{32}$/);
    expect(timestampMs(rule!.createdAt!)).toBe(1_750_000_000_000);
    expect(services.promptRuleChanges()).toBe(1);

    expect((await client.getPromptRule({ id: rule!.id }, admin)).rule).toEqual(rule);
    expect((await client.listPromptRules({}, admin)).rules).toEqual([rule]);
    expect(await services.storage.promptRules.get(rule!.id)).toMatchObject({ operation: 'append-system', scope: 'route' });

    await client.deletePromptRule({ id: rule!.id }, admin);
    expect(services.promptRuleChanges()).toBe(2);
    expect((await failure(client.getPromptRule({ id: rule!.id }, admin))).code).toBe(Code.NotFound);
    expect((await failure(client.deletePromptRule({ id: rule!.id }, admin))).code).toBe(Code.NotFound);
    expect((await failure(client.getPromptRule({ id: '' }, admin))).rawMessage).toContain('id');
  });

  it('creates a regex rule with default roles; refuses invalid rules and duplicate names in a scope', async () => {
    const { rule } = await createRule({ name: 'mask', operation: PromptRuleOperation.REGEX_REPLACE, text: '', pattern: '\\d{4}', flags: 'g', replacement: '####' });
    expect(rule?.roles).toEqual([Role.SYSTEM, Role.USER]);

    const badRegex = await failure(createRule({ name: 'bad', operation: PromptRuleOperation.REGEX_REPLACE, text: '', pattern: '([', flags: 'g' }));
    expect(badRegex.code).toBe(Code.InvalidArgument);
    expect(badRegex.rawMessage).toMatch(/^pattern: does not compile/);
    const unknown = await failure(createRule({ name: 'x', text: '{{nope}}' }));
    expect(unknown.code).toBe(Code.InvalidArgument);
    expect(unknown.rawMessage).toContain('text: unknown template variable "{{nope}}"');
    expect((await failure(createRule({ name: 'x', text: '' }))).rawMessage).toContain('text: is required');
    expect((await failure(createRule({ name: 'x', scope: PromptRuleScope.UNSPECIFIED }))).rawMessage).toContain('scope: is required');

    const duplicate = await failure(createRule({ name: 'mask' }));
    expect(duplicate.code).toBe(Code.AlreadyExists);
    // The same name in another scope is fine.
    await createRule({ name: 'mask', scopeId: 'other' });
    expect(services.promptRuleChanges()).toBe(2);
  });

  it('requires the admin token', async () => {
    const { rule } = await createRule();
    const id = rule!.id;
    expect((await failure(client.createPromptRule({ name: 'x' }))).code).toBe(Code.Unauthenticated);
    expect((await failure(client.getPromptRule({ id }))).code).toBe(Code.Unauthenticated);
    expect((await failure(client.listPromptRules({}))).code).toBe(Code.Unauthenticated);
    expect((await failure(client.updatePromptRule({ id, order: 1 }))).code).toBe(Code.Unauthenticated);
    expect((await failure(client.deletePromptRule({ id }, { headers: { authorization: 'Bearer wrong' } }))).code).toBe(
      Code.Unauthenticated,
    );
  });

  it('updates partially: present fields without a mask, exactly the masked fields with one', async () => {
    const { rule } = await createRule({ order: 5 });
    const id = rule!.id;
    services.setNow(1_760_000_000_000);
    const renamed = (await client.updatePromptRule({ id, name: 'renamed', enabled: false }, admin)).rule!;
    expect(renamed).toMatchObject({ name: 'renamed', enabled: false, order: 5, text: 'Today is {{date}}.' });
    expect(timestampMs(renamed.updatedAt!)).toBe(1_760_000_000_000);
    expect(timestampMs(renamed.createdAt!)).toBe(timestampMs(rule!.createdAt!));

    // A mask clears: order back to 0, first_user_turn_only back to false.
    const masked = (await client.updatePromptRule({ id, text: 'ignored', updateMask: { paths: ['order', 'first_user_turn_only'] } }, admin)).rule!;
    expect(masked).toMatchObject({ order: 0, text: 'Today is {{date}}.', firstUserTurnOnly: false });

    // Switching to REGEX_REPLACE drops the text; switching back needs text again.
    const toRegex = (await client.updatePromptRule({ id, operation: PromptRuleOperation.REGEX_REPLACE, pattern: 'a', replacement: 'b' }, admin)).rule!;
    expect(toRegex).toMatchObject({ text: '', pattern: 'a', replacement: 'b', roles: [Role.SYSTEM, Role.USER] });
    const back = await failure(client.updatePromptRule({ id, operation: PromptRuleOperation.PREPEND_USER }, admin));
    expect(back.rawMessage).toContain('text: is required');
    const toUser = (await client.updatePromptRule({ id, operation: PromptRuleOperation.PREPEND_USER, text: 'Hi {{key.name}}' }, admin)).rule!;
    expect(toUser).toMatchObject({ text: 'Hi {{key.name}}', pattern: '', replacement: '', roles: [] });

    // The merged rule is validated as a whole.
    expect((await failure(client.updatePromptRule({ id, text: '{{bad}}' }, admin))).code).toBe(Code.InvalidArgument);
    expect((await failure(client.updatePromptRule({ id, pattern: 'x' }, admin))).rawMessage).toContain('pattern: is only used');
    expect((await failure(client.updatePromptRule({ id }, admin))).rawMessage).toContain('changes nothing');
    expect((await failure(client.updatePromptRule({ id, updateMask: { paths: ['id'] } }, admin))).code).toBe(Code.InvalidArgument);
    expect((await failure(client.updatePromptRule({ id: 'pr_missing', order: 1 }, admin))).code).toBe(Code.NotFound);

    await createRule({ name: 'taken' });
    expect((await failure(client.updatePromptRule({ id, name: 'taken' }, admin))).code).toBe(Code.AlreadyExists);
    expect((await client.getPromptRule({ id }, admin)).rule).toEqual(toUser);
  });

  it('lists by scope and scope id, page by page', async () => {
    await createRule({ name: 'r1' });
    await createRule({ name: 'r2', scopeId: 'other' });
    await createRule({ name: 'k1', scope: PromptRuleScope.KEY, scopeId: 'key_1' });
    await createRule({ name: 'k2', scope: PromptRuleScope.KEY, scopeId: 'key_2' });
    const names = async (init: Parameters<typeof client.listPromptRules>[0]) =>
      (await client.listPromptRules(init, admin)).rules.map((rule) => rule.name).sort();
    expect(await names({})).toEqual(['k1', 'k2', 'r1', 'r2']);
    expect(await names({ scope: PromptRuleScope.KEY })).toEqual(['k1', 'k2']);
    expect(await names({ scope: PromptRuleScope.ROUTE, scopeId: 'smart' })).toEqual(['r1']);
    expect((await failure(client.listPromptRules({ scopeId: 'smart' }, admin))).rawMessage).toContain('scope_id: needs scope');

    const first = await client.listPromptRules({ pageSize: 3 }, admin);
    expect(first.rules).toHaveLength(3);
    const second = await client.listPromptRules({ pageSize: 3, pageToken: first.nextPageToken }, admin);
    expect(second.rules).toHaveLength(1);
    expect(second.nextPageToken).toBe('');
    expect(new Set([...first.rules, ...second.rules].map((rule) => rule.id)).size).toBe(4);
  });

  it('the rule table serves enabled rules in application order and reloads after writes', async () => {
    const table = services.promptRuleTable;
    expect(await table.rulesFor('key_1', 'smart')).toEqual([]);
    await createRule({ name: 'route-b', order: 1 });
    await createRule({ name: 'route-a', order: 1 });
    await createRule({ name: 'key-rule', scope: PromptRuleScope.KEY, scopeId: 'key_1', order: 50 });
    const { rule: off } = await createRule({ name: 'off', enabled: false });
    await createRule({ name: 'other-key', scope: PromptRuleScope.KEY, scopeId: 'key_2' });
    const names = async (keyId: string, route: string) => (await table.rulesFor(keyId, route)).map((rule) => rule.name);
    expect(await names('key_1', 'smart')).toEqual(['key-rule', 'route-a', 'route-b']);
    expect(await names('key_1', '')).toEqual(['key-rule']);
    expect(await names('', 'smart')).toEqual(['route-a', 'route-b']);
    await client.updatePromptRule({ id: off!.id, enabled: true, order: -1 }, admin);
    expect(await names('key_2', 'smart')).toEqual(['other-key', 'off', 'route-a', 'route-b']);
  });
});
