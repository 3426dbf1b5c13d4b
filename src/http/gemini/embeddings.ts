// Gemini `:embedContent` / `:batchEmbedContents` ⇄ canonical EmbedRequest /
// EmbedResponse (https://ai.google.dev/api/embeddings). Only text parts can be
// embedded by every provider; taskType and title have no canonical form and
// come back as warnings. Fields may be spelled either way (field-spelling.ts).
import { create } from '@bufbuild/protobuf';
import { EmbedRequestSchema, type EmbedRequest, type EmbedResponse } from '../../../gen/llmgateway/v1/completion_service_pb.js';
import { WarningSchema, type Warning } from '../../../gen/llmgateway/v1/chat_pb.js';
import { camelCaseEmbedRequest } from './field-spelling.js';
import { modelResourceName } from './gemini-names.js';
import { at, invalidType, invalidValue, isRecord, isUnset, optionalInteger, optionalString, readList, readRecord, requiredString, shallowBody, type JsonRecord } from './request-error.js';

export interface ParsedEmbedRequest {
  embed: EmbedRequest;
  warnings: Warning[];
}

interface OneEmbedding {
  text: string;
  dimensions: number | undefined;
}

export function parseEmbedContent(sent: unknown, model: string): ParsedEmbedRequest {
  const body = camelCaseEmbedRequest(shallowBody(sent));
  if (!isRecord(body)) throw invalidType('', 'a JSON object as the request body', body);
  const warnings: Warning[] = [];
  const one = readOne(body, '', warnings);
  return { embed: create(EmbedRequestSchema, { model, inputs: [one.text], dimensions: one.dimensions }), warnings };
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
    return readOne(request, where, warnings);
  });
  const dimensions = new Set(entries.map((entry) => entry.dimensions));
  if (dimensions.size > 1) throw invalidValue('requests', 'every request must ask for the same outputDimensionality');
  return { embed: create(EmbedRequestSchema, { model, inputs: entries.map((entry) => entry.text), dimensions: entries[0]!.dimensions }), warnings };
}

function readOne(request: JsonRecord, where: string, warnings: Warning[]): OneEmbedding {
  const contentField = at(where, 'content');
  const content = readRecord(request['content'], contentField);
  const texts = readList(content['parts'], at(contentField, 'parts')).map((raw, index) => {
    const partField = at(at(contentField, 'parts'), index);
    return requiredString(readRecord(raw, partField)['text'], at(partField, 'text'));
  });
  for (const name of ['taskType', 'title']) {
    if (isUnset(request[name]) || warnings.some((warning) => warning.param === name)) continue;
    warnings.push(create(WarningSchema, { code: 'unsupported_parameter', param: name, message: `${name} has no canonical form and was not forwarded` }));
  }
  return { text: texts.join('\n'), dimensions: optionalInteger(request['outputDimensionality'], at(where, 'outputDimensionality'), { min: 1, max: 65_536 }) };
}

export const renderEmbedContent = (response: EmbedResponse) => ({ embedding: { values: response.embeddings[0]?.values ?? [] } });

export const renderBatchEmbedContents = (response: EmbedResponse) => ({
  embeddings: [...response.embeddings].sort((left, right) => left.index - right.index).map((embedding) => ({ values: embedding.values })),
});
