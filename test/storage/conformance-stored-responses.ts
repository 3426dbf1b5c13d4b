// Stored Responses API answers: saved and read back whole, deleted only by their key, purged by age.
import { expect, test } from 'vitest';
import type { StoredResponse } from '../../src/domain/stored-response.js';
import type { ConformanceContext } from './conformance.js';

const stored = (id: string, overrides: Partial<StoredResponse> = {}): StoredResponse => ({
  id,
  keyId: 'key-a',
  previousResponseId: '',
  model: 'anthropic/claude',
  createdAt: 1_700_000_000_000,
  response: { id, object: 'response', output: [{ type: 'message', content: [{ type: 'output_text', text: 'Grüße 👋' }] }], metadata: { a: 'b' } },
  inputItems: [{ id: 'msg_1', type: 'message', role: 'user', content: [{ type: 'input_text', text: 'x'.repeat(70_000) }] }],
  ...overrides,
});

export function describeStoredResponsesConformance(context: ConformanceContext): void {
  test('a saved response reads back whole (unicode, an input past 64 KiB, the chain link)', async () => {
    const { storedResponses } = context.storage();
    const saved = stored('resp_1', { previousResponseId: 'resp_0' });
    await storedResponses.save(saved);
    expect(await storedResponses.get('resp_1')).toEqual(saved);
    expect(await storedResponses.get('resp_missing')).toBeNull();
  });

  test('only its own key deletes a response', async () => {
    const { storedResponses } = context.storage();
    await storedResponses.save(stored('resp_2'));
    expect(await storedResponses.delete('resp_2', 'key-b')).toBe(false);
    expect(await storedResponses.get('resp_2')).not.toBeNull();
    expect(await storedResponses.delete('resp_2', 'key-a')).toBe(true);
    expect(await storedResponses.get('resp_2')).toBeNull();
    expect(await storedResponses.delete('resp_2', 'key-a')).toBe(false);
  });

  test('retention deletes the oldest responses before the cutoff, at most `limit` at a time', async () => {
    const { storedResponses } = context.storage();
    for (const [index, createdAt] of [1_000, 2_000, 3_000, 9_000].entries()) await storedResponses.save(stored(`resp_old_${index}`, { createdAt }));
    expect(await storedResponses.deleteCreatedBefore(5_000, 2)).toBe(2);
    expect(await storedResponses.get('resp_old_0')).toBeNull();
    expect(await storedResponses.get('resp_old_2')).not.toBeNull();
    expect(await storedResponses.deleteCreatedBefore(5_000, 10)).toBe(1);
    expect(await storedResponses.get('resp_old_3')).not.toBeNull();
    await expect(storedResponses.deleteCreatedBefore(5_000, 0)).rejects.toThrow(RangeError);
  });
}
