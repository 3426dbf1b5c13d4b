// The loop every family's message converter runs over a message's content:
// each part converted in order, with `at` naming it ("messages[2].content[0]")
// for warnings and errors; a converter returns undefined for a part it drops
// (and reports).
import type { ContentPart } from '../../../gen/llmgateway/v1/chat_pb.js';

export function convertParts<Converted>(
  parts: readonly ContentPart[],
  where: string,
  convert: (part: ContentPart, at: string) => Converted | undefined,
): Converted[] {
  const converted: Converted[] = [];
  parts.forEach((part, partIndex) => {
    const result = convert(part, `${where}.content[${partIndex}]`);
    if (result !== undefined) converted.push(result);
  });
  return converted;
}
