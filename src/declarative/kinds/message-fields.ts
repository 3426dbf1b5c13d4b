// Small helpers over generated messages: proto JSON views in snake_case, and
// the named (snake_case) fields of a message copied by their TypeScript names.
import { toJson, type DescMessage, type MessageShape } from '@bufbuild/protobuf';
import type { JsonObject } from '../compare-views.js';

export function protoView<Desc extends DescMessage>(schema: Desc, message: MessageShape<Desc>): JsonObject {
  return toJson(schema, message, { useProtoFieldName: true }) as JsonObject;
}

/** `{ localName: value }` of the fields named in snake_case. */
export function pickFields<Desc extends DescMessage>(schema: Desc, message: MessageShape<Desc>, names: string[]): Record<string, unknown> {
  const picked: Record<string, unknown> = {};
  for (const name of names) {
    const field = schema.fields.find((candidate) => candidate.name === name);
    if (field) picked[field.localName] = (message as Record<string, unknown>)[field.localName];
  }
  return picked;
}

/** Drops the given top-level fields from a view. */
export function without(view: JsonObject, ...fields: string[]): JsonObject {
  const copy = { ...view };
  for (const field of fields) delete copy[field];
  return copy;
}

export async function listEvery<Item>(page: (pageToken: string) => Promise<{ items: Item[]; nextPageToken: string }>): Promise<Item[]> {
  const items: Item[] = [];
  let token = '';
  do {
    const answer = await page(token);
    items.push(...answer.items);
    token = answer.nextPageToken;
  } while (token !== '');
  return items;
}
