// `input` as the client sent it (a string, or an array of items) → the list of
// input items the gateway keeps and lists (GET /v1/responses/{id}/input_items):
// every item an object with a `type` and an `id`, message content as an array
// of parts, as OpenAI lists them. Conversion to canonical is parse-input.ts.
import { invalidType, invalidValue, isRecord, missingParameter, type JsonRecord } from '../openai/request-error.js';
import { newItemId, type ItemIdPrefix } from './item-ids.js';

const ID_PREFIXES: Record<string, ItemIdPrefix> = { message: 'msg', function_call: 'fc', function_call_output: 'fco', reasoning: 'rs' };

export function normalizeInput(input: unknown): JsonRecord[] {
  if (input === undefined || input === null) throw missingParameter('input');
  if (typeof input === 'string') return [{ id: newItemId('msg'), type: 'message', role: 'user', content: [{ type: 'input_text', text: input }] }];
  if (!Array.isArray(input)) throw invalidType('input', 'a string or an array of input items', input);
  if (input.length === 0) throw invalidValue('input', 'expected a string or an array with at least one item.', 'empty_array');
  return input.map((entry, index) => {
    if (!isRecord(entry)) throw invalidType(`input[${index}]`, 'an object', entry);
    const type = typeof entry['type'] === 'string' ? entry['type'] : 'message';
    const item: JsonRecord = { ...entry, type };
    if (typeof item['id'] !== 'string' || item['id'] === '') item['id'] = newItemId(ID_PREFIXES[type] ?? 'msg');
    if (type === 'message' && typeof item['content'] === 'string') {
      item['content'] = [{ type: item['role'] === 'assistant' ? 'output_text' : 'input_text', text: item['content'] }];
    }
    return item;
  });
}
