// ToolResultPart → functionResponse. Gemini wants `response` to be an object
// and `name` set: a result that came as an object (`structured`) is sent as
// it came; text is wrapped as {content: "…"} (an empty result as
// {content: ""}), an error result as {error: "…"} (the key the API documents
// for failures), images and documents travel as functionResponse.parts.
import type { ToolResultPart } from '../../../gen/llmgateway/v1/chat_pb.js';
import { invalidArgument } from '../../domain/gateway-error.js';
import { convertDocument } from './convert-document.js';
import { convertImage } from './convert-image.js';
import type { WarningCollector } from '../shared/warning-collector.js';
import type { GeminiFunctionResponse } from './wire-types.js';

export function convertToolResult(
  result: ToolResultPart,
  at: string,
  warnings: WarningCollector,
  callNames: ReadonlyMap<string, string>,
): GeminiFunctionResponse {
  const name = result.name || callNames.get(result.toolCallId);
  if (!name) {
    throw invalidArgument(
      `${at}.tool_result.name`,
      `Gemini needs the tool's name and no earlier assistant turn has a call with id "${result.toolCallId}"`,
    );
  }
  const texts: string[] = [];
  const parts: NonNullable<GeminiFunctionResponse['parts']> = [];
  result.content.forEach((part, index) => {
    if (part.kind.case === 'text') texts.push(part.kind.value.text);
    else if (part.kind.case === 'image') {
      const image = convertImage(part.kind.value, `${at}.tool_result.content[${index}]`, warnings);
      if (image) parts.push(image);
    } else if (part.kind.case === 'document') {
      parts.push(convertDocument(part.kind.value, `${at}.tool_result.content[${index}]`, true, warnings));
    }
  });
  const text = texts.join('\n');
  // An object the client sent as such (a Gemini client's functionResponse.response) goes back unchanged.
  const response: Record<string, unknown> = result.structured ?? (result.isError ? { error: text } : { content: text });
  return {
    ...(result.toolCallId !== '' ? { id: result.toolCallId } : {}),
    name,
    response,
    ...(parts.length > 0 ? { parts } : {}),
  };
}
