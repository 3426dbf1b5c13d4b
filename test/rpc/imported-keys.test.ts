// CreateKey with `existing_secret`: keys moved in from another gateway keep
// their old strings, stored only as a hash, refused when invalid or taken.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Code, ConnectError, createClient, type Client } from '@connectrpc/connect';
import { KeysService } from '../../gen/llmgateway/v1/keys_service_pb.js';
import { CompletionService } from '../../gen/llmgateway/v1/completion_service_pb.js';
import { adminHeaders, createInMemoryServices, type InMemoryServices } from '../helpers/in-memory-services.js';

async function failureOf(promise: Promise<unknown>): Promise<ConnectError> {
  try {
    await promise;
  } catch (error) {
    return ConnectError.from(error);
  }
  throw new Error('expected the call to fail');
}

describe('KeysService.CreateKey with existing_secret', () => {
  let services: InMemoryServices;
  let keys: Client<typeof KeysService>;
  let completion: Client<typeof CompletionService>;
  const options = { headers: adminHeaders };
  const authenticateWith = async (secret: string): Promise<Code | 'ok'> => {
    try {
      await completion.listModels({}, { headers: { authorization: `Bearer ${secret}` } });
      return 'ok';
    } catch (error) {
      return ConnectError.from(error).code;
    }
  };

  beforeEach(async () => {
    services = await createInMemoryServices();
    keys = createClient(KeysService, services.transport);
    completion = createClient(CompletionService, services.transport);
  });
  afterEach(() => services.close());

  it('keeps the old key string working, without our prefix, and stores only its hash', async () => {
    const oldSecret = 'vk_FAKEfixtureKey0000001';
    const created = await keys.createKey({ name: 'moved-in', existingSecret: oldSecret }, options);
    expect(created.secret).toBe(oldSecret);
    expect(created.key!.display).toBe('vk_F…0001');
    const stored = await services.storage.keys.get(created.key!.id);
    expect(JSON.stringify(stored)).not.toContain(oldSecret);
    expect(await authenticateWith(oldSecret)).toBe('ok');
    expect(await authenticateWith('vk_FAKEfixtureKey0000002')).toBe(Code.Unauthenticated);
    // Issued keys are unaffected.
    const issued = await keys.createKey({ name: 'fresh' }, options);
    expect(issued.secret).toMatch(/^sk-gw-/);
    expect(await authenticateWith(issued.secret)).toBe('ok');
  });

  it('refuses secrets that are too short, too long or contain spaces, naming the field', async () => {
    for (const bad of ['short', 'x'.repeat(201), 'has a space inside', 'tab\there-and-more']) {
      const failure = await failureOf(keys.createKey({ name: 'bad', existingSecret: bad }, options));
      expect(failure.code).toBe(Code.InvalidArgument);
      expect(failure.rawMessage).toContain('existing_secret');
      expect(failure.rawMessage).not.toContain(bad);
    }
  });

  it('refuses a secret another key already has with already_exists, and the first key keeps working', async () => {
    const secret = 'custom-FAKE-key-for-tests';
    await keys.createKey({ name: 'first', existingSecret: secret }, options);
    const failure = await failureOf(keys.createKey({ name: 'second', existingSecret: secret }, options));
    expect(failure.code).toBe(Code.AlreadyExists);
    expect(failure.rawMessage).not.toContain(secret);
    expect((await keys.listKeys({}, options)).keys.map((key) => key.name)).toEqual(['first']);
    expect(await authenticateWith(secret)).toBe('ok');
  });
});
