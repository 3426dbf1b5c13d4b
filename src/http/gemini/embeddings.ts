// Gemini `:embedContent` / `:batchEmbedContents` ⇄ canonical EmbedRequest /
// EmbedResponse (https://ai.google.dev/api/embeddings). Only text parts can be
// embedded by every provider. taskType and title travel as provider_options,
// which a Gemini provider sends on (another family leaves them out with a
// warning: ../../providers/shared/gemini-embed-options.ts). A batch whose
// requests all send the same ones sends them once; one whose requests differ
// sends each request's own as its input_options, and a Gemini provider makes
// one upstream call per (taskType, title). A batch shares outputDimensionality.
// Fields may be spelled either way (field-spelling.ts).
import { create } from '@bufbuild/protobuf';
import { EmbedRequestSchema, type EmbedRequest, type EmbedResponse } from '../../../gen/llmgateway/v1/completion_service_pb.js';
import type { Warning } from '../../../gen/llmgateway/v1/chat_pb.js';
import { camelCaseEmbedRequest } from './field-spelling.js';
import { modelResourceName } from './gemini-names.js';
import { at, invalidType, invalidValue, isRecord, optionalInteger, optionalString, readList, readRecord, requiredString, shallowBody, type JsonRecord } from './request-error.js';

export interface ParsedEmbedRequest {
  embed: EmbedRequest;
  warnings: Warning[];
}

interface OneEmbedding {
  text: string;
  dimensions: number | undefined;
  /** taskType and title, when sent. */
  options: Record<string, string>;
}

export function parseEmbedContent(sent: unknown, model: string): ParsedEmbedRequest {
  const body = camelCaseEmbedRequest(shallowBody(sent));
  if (!isRecord(body)) throw invalidType('', 'a JSON object as the request body', body);
  const warnings: Warning[] = [];
  const one = readOne(body, '');
  return { embed: create(EmbedRequestSchema, { model, inputs: [one.text], dimensions: one.dimensions, providerOptions: optionsOf(one) }), warnings };
}

export function parseBatchEmbedContents(sent: unknown, model: string): ParsedEmbedRequest {
  const body = camelCaseEmbedRequest(shallowBody(sent));
  if (!isRecord(body)) throw invalidType('', 'a JSON object as the request body', body);
  const warnings: Warning[] = [];
  const requests = readList(body['requests'], 'requests');
  if (requests.length === 0) throw invalidValue('requests', 'at least one request is required');
  const entries = requests.map((raw, index) => {
    const where = at('requests', index);
    const request = readRecord(raw, where);
    const named = optionalString(request['model'], at(where, 'model'));
    if (named !== undefined && named !== modelResourceName(model) && named !== model) {
      throw invalidValue(at(where, 'model'), `every request must use the model in the path (${modelResourceName(model)})`);
    }
    return readOne(request, where);
  });
  const dimensions = new Set(entries.map((entry) => entry.dimensions));
  if (dimensions.size > 1) throw invalidValue('requests', 'every request must ask for the same outputDimensionality');
  const shared = EMBED_OPTIONS.every((name) => new Set(entries.map((entry) => entry.options[name])).size === 1);
  const embed = create(EmbedRequestSchema, { model, inputs: entries.map((entry) => entry.text), dimensions: entries[0]!.dimensions });
  if (shared) embed.providerOptions = optionsOf(entries[0]!);
  else embed.inputOptions = entries.map((entry) => entry.options);
  return { embed, warnings };
}

const EMBED_OPTIONS = ['taskType', 'title'] as const;

const optionsOf = (one: OneEmbedding) => (Object.keys(one.options).length > 0 ? one.options : undefined);

function readOne(request: JsonRecord, where: string): OneEmbedding {
  const contentField = at(where, 'content');
  const content = readRecord(request['content'], contentField);
  const texts = readList(content['parts'], at(contentField, 'parts')).map((raw, index) => {
    const partField = at(at(contentField, 'parts'), index);
    return requiredString(readRecord(raw, partField)['text'], at(partField, 'text'));
  });
  const options: Record<string, string> = {};
  for (const name of EMBED_OPTIONS) {
    const value = optionalString(request[name], at(where, name));
    if (value !== undefined) options[name] = value;
  }
  return { text: texts.join('\n'), dimensions: optionalInteger(request['outputDimensionality'], at(where, 'outputDimensionality'), { min: 1, max: 65_536 }), options };
}

export const renderEmbedContent = (response: EmbedResponse) => ({ embedding: { values: response.embeddings[0]?.values ?? [] } });

export const renderBatchEmbedContents = (response: EmbedResponse) => ({
  embeddings: [...response.embeddings].sort((left, right) => left.index - right.index).map((embedding) => ({ values: embedding.values })),
});
