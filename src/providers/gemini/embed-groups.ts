// Gemini's batchEmbedContents takes a taskType and a title on each request
// (https://ai.google.dev/api/embeddings), but the SDK's embedContent puts one
// of each on every request of a call. So inputs whose options differ
// (EmbedRequest.input_options) go in separate calls: one group per (taskType,
// title), in the order each first appears; the adapter puts the vectors back in
// the inputs' order. An input's own option wins over the request's.
import type { JsonObject, JsonValue } from '@bufbuild/protobuf';
import type { Warning } from '../../../gen/llmgateway/v1/chat_pb.js';
import { unsupportedParameterNotice } from '../shared/warnings.js';
import { GEMINI_LABEL } from './family.js';

export interface EmbedGroup {
  taskType: string | undefined;
  title: string | undefined;
  /** The inputs' positions in the request, in order. */
  positions: number[];
}

const PER_INPUT = new Set(['taskType', 'title']);

const text = (value: JsonValue | undefined): string | undefined => (typeof value === 'string' ? value : undefined);

/** `shared`: the request's own taskType and title (provider_options); `perInput`: one entry per input, or none. */
export function embedGroups(count: number, shared: Readonly<Record<string, JsonValue | undefined>>, perInput: readonly JsonObject[], warnings: Warning[]): EmbedGroup[] {
  const groups = new Map<string, EmbedGroup>();
  const notSent = new Set<string>();
  for (let position = 0; position < count; position += 1) {
    const own = perInput[position] ?? {};
    for (const name in own) if (!PER_INPUT.has(name)) notSent.add(name);
    const taskType = text(own['taskType']) ?? text(shared['taskType']);
    const title = text(own['title']) ?? text(shared['title']);
    const key = JSON.stringify([taskType ?? null, title ?? null]);
    let group = groups.get(key);
    if (!group) groups.set(key, (group = { taskType, title, positions: [] }));
    group.positions.push(position);
  }
  for (const name of notSent) {
    warnings.push(unsupportedParameterNotice(`input_options.${name}`, `${GEMINI_LABEL} takes only taskType and title per input; ${name} was not sent`));
  }
  return [...groups.values()];
}
