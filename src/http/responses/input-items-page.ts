// GET /v1/responses/{id}/input_items: a page of a stored response's input
// items, OpenAI's cursor list (`limit` 1–100, default 20; `order` desc by
// default; `after` / `before` an item id), answered from the stored row.
import { invalidValue, optionalEnum, type JsonRecord } from '../openai/request-error.js';

export interface InputItemsPage {
  object: 'list';
  data: JsonRecord[];
  first_id: string | null;
  last_id: string | null;
  has_more: boolean;
}

type Query = Record<string, string | string[] | undefined>;

const single = (value: string | string[] | undefined): string | undefined => (Array.isArray(value) ? value[0] : value);

export function pageInputItems(items: readonly JsonRecord[], query: Query): InputItemsPage {
  const limitText = single(query['limit']);
  const limit = limitText === undefined ? 20 : Number(limitText);
  if (!Number.isInteger(limit) || limit < 1 || limit > 100) throw invalidValue('limit', `expected an integer between 1 and 100, but got '${limitText}' instead.`);
  const order = optionalEnum(single(query['order']), 'order', ['asc', 'desc'] as const) ?? 'desc';
  let ordered = order === 'asc' ? [...items] : [...items].reverse();
  const after = single(query['after']);
  const before = single(query['before']);
  if (after) ordered = ordered.slice(positionOf(ordered, after, 'after') + 1);
  if (before) ordered = ordered.slice(0, positionOf(ordered, before, 'before'));
  const data = before ? ordered.slice(-limit) : ordered.slice(0, limit);
  return {
    object: 'list',
    data,
    first_id: (data[0]?.['id'] as string | undefined) ?? null,
    last_id: (data.at(-1)?.['id'] as string | undefined) ?? null,
    has_more: ordered.length > data.length,
  };
}

function positionOf(items: readonly JsonRecord[], id: string, param: string): number {
  const position = items.findIndex((item) => item['id'] === id);
  if (position < 0) throw invalidValue(param, `no input item with id '${id}' in this response.`);
  return position;
}
