// GATEWAY_REDIS_*: unset URL = no Redis at all (today's behaviour); the options and their problems.
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/config.js';

describe('redis configuration', () => {
  it('is off unless GATEWAY_REDIS_URL is set', () => {
    expect(loadConfig({}).redis).toBeUndefined();
  });

  it('reads the URL, the failure mode (open by default), the lease and the key prefix', () => {
    expect(loadConfig({ GATEWAY_REDIS_URL: 'redis://cache:6379/0' }).redis).toEqual({
      url: 'redis://cache:6379/0',
      failureMode: 'open',
      leaseMs: 30_000,
      keyPrefix: 'llmgw:',
      commandTimeoutMs: 1_000,
      cacheMaxEntryBytes: 1_048_576,
    });
    expect(
      loadConfig({
        GATEWAY_REDIS_URL: 'rediss://cache',
        GATEWAY_REDIS_FAILURE_MODE: 'closed',
        GATEWAY_REDIS_LEASE_MS: '5000',
        GATEWAY_REDIS_KEY_PREFIX: 'gw1:',
        GATEWAY_REDIS_COMMAND_TIMEOUT_MS: '250',
        GATEWAY_REDIS_CACHE_MAX_ENTRY_BYTES: '65536',
      }).redis,
    ).toEqual({ url: 'rediss://cache', failureMode: 'closed', leaseMs: 5_000, keyPrefix: 'gw1:', commandTimeoutMs: 250, cacheMaxEntryBytes: 65_536 });
  });

  it('names each bad variable', () => {
    const error = (() => {
      try {
        loadConfig({ GATEWAY_REDIS_URL: 'http://cache', GATEWAY_REDIS_FAILURE_MODE: 'maybe', GATEWAY_REDIS_LEASE_MS: '10', GATEWAY_REDIS_COMMAND_TIMEOUT_MS: '5' });
      } catch (caught) {
        return caught as ConfigError;
      }
      throw new Error('expected a ConfigError');
    })();
    expect(error.problems).toEqual([
      'GATEWAY_REDIS_FAILURE_MODE: must be open or closed',
      'GATEWAY_REDIS_LEASE_MS: must be at least 1000',
      'GATEWAY_REDIS_COMMAND_TIMEOUT_MS: must be at least 10',
      'GATEWAY_REDIS_URL: must start with redis:// or rediss://',
    ]);
  });
});
