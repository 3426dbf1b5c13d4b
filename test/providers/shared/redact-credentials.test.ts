// One redaction for every family: each family's credential shapes (all fake).
import { describe, expect, it } from 'vitest';
import { connectionSecrets, redactCredentials } from '../../../src/providers/shared/redact-credentials.js';

const OPENAI_KEY = 'sk-fixture-secret-abcdefghijklmnop';
const ANTHROPIC_KEY = 'sk-ant-fake00-notarealkeyXXXXXXXXXXXXXXXX';
const GEMINI_KEY = 'AIzaFAKEfakeFAKEfakeFAKEfake0000000';
const AZURE_KEY = '0123456789abcdef0123456789abcdef';

describe('redactCredentials', () => {
  it("removes the configured secret and keys of every family's shape, even when not configured", () => {
    for (const key of [OPENAI_KEY, ANTHROPIC_KEY, GEMINI_KEY, AZURE_KEY]) {
      expect(redactCredentials(`bad key ${key}; rest ok`, [key])).toEqual({ text: 'bad key [redacted]; rest ok', hadSecret: true });
      expect(redactCredentials(`bad key ${key}; rest ok`, [])).toEqual({ text: 'bad key [redacted]; rest ok', hadSecret: true });
    }
  });

  it('removes masked keys, bearer tokens and long opaque tokens (OpenAI shapes)', () => {
    const { text } = redactCredentials(
      `bad key ${OPENAI_KEY}; masked sk-proj-****wxyz; header Bearer abc.def; azure ${AZURE_KEY}; rest ok`,
      [OPENAI_KEY],
    );
    expect(text).not.toMatch(/abcdefghijklmnop|wxyz|abc\.def|0123456789abcdef/);
    expect(text).toContain('Bearer [redacted]');
    expect(text).toContain('rest ok');
  });

  it('redacts Google query keys and header echoes, keeping their names (Gemini shapes)', () => {
    expect(redactCredentials('key abcdef1234 leaked', ['abcdef1234'])).toEqual({ text: 'key [redacted] leaked', hadSecret: true });
    expect(redactCredentials('AIzaSyABCDEFGHIJKLMNOPQRSTUVWXYZ0123456', []).text).toBe('[redacted]');
    expect(redactCredentials('Incorrect API key provided: sk-ab***yz.', []).text).toBe('Incorrect API key provided: [redacted].');
    expect(redactCredentials('url ?key=secret&x=1', []).text).toBe('url ?key=[redacted]&x=1');
    expect(redactCredentials('sent "x-goog-api-key": "fake-value"', []).text).toBe('sent "x-goog-api-key": "[redacted]"');
  });

  it('withholds a message that quotes part of a secret (Anthropic shape)', () => {
    const partial = redactCredentials(`key ending ${ANTHROPIC_KEY.slice(-12, -2)} is invalid`, [ANTHROPIC_KEY]);
    expect(partial).toEqual({ text: '(upstream message withheld: it quoted part of a credential)', hadSecret: true });
    expect(redactCredentials('tool sk-ant-api03-XYZ used', []).text).toBe('tool [redacted] used');
  });

  it('leaves ordinary messages alone and cuts very long ones', () => {
    expect(redactCredentials('nothing here', ['abcdef1234'])).toEqual({ text: 'nothing here', hadSecret: false });
    expect(redactCredentials('API key not valid. Please pass a valid API key.', [GEMINI_KEY]).hadSecret).toBe(false);
    // Words ending in sk-/pk-/rk- are words, not keys; a key glued to punctuation still is one.
    expect(redactCredentials('disk-full on the task-queue host, risk-based retry', [])).toEqual({ text: 'disk-full on the task-queue host, risk-based retry', hadSecret: false });
    expect(redactCredentials('key:sk-live-abcdef123456 rejected', []).text).toBe('key:[redacted] rejected');
    const long = redactCredentials('word '.repeat(400), []).text;
    expect(long.length).toBe(1001);
    expect(long.endsWith('…')).toBe(true);
  });
});

describe('connectionSecrets', () => {
  const connection = {
    id: 'p',
    type: 'openai' as const,
    baseUrl: '',
    apiKey: OPENAI_KEY,
    extraHeaders: { Authorization: 'Bearer fake-token-value', 'x-api-key': 'key', 'x-custom-pass': 'hunter2extraPASSWORDvalue', 'x-tenant': 'tenant-7', 'openai-beta': 'v2' },
    azureApiVersion: '',
  };

  it('is the key, the values of credential-like extra headers, and every other extra header’s value of 8 characters or more', () => {
    expect(connectionSecrets(connection)).toEqual([OPENAI_KEY, 'Bearer fake-token-value', 'key', 'hunter2extraPASSWORDvalue', 'tenant-7']);
    expect(connectionSecrets({ ...connection, apiKey: '', extraHeaders: {} })).toEqual([]);
  });

  it('keeps a header value out of an upstream message quoting the request’s headers, whatever the header’s name', () => {
    const quoted = `bad request; headers {"x-custom-pass":"hunter2extraPASSWORDvalue","openai-beta":"v2"}`;
    const { text } = redactCredentials(quoted, connectionSecrets(connection));
    expect(text).toBe('bad request; headers {"x-custom-pass":"[redacted]","openai-beta":"v2"}');
  });
});
