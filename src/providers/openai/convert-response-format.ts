// ResponseFormat → `response_format`. A JSON schema travels unchanged where the
// host takes one; DeepSeek takes only `json_object`
// (https://api-docs.deepseek.com/guides/json_mode: json_schema is a 400 "This
// response_format type is unavailable now"), so there the schema goes into the
// system prompt — which DeepSeek's JSON output also requires to mention JSON —
// and a warning says the answer is JSON but not checked against the schema.
import type { JsonValue } from '@bufbuild/protobuf';
import type { ResponseFormat } from '../../../gen/llmgateway/v1/chat_pb.js';
import { ResponseFormatType } from '../../../gen/llmgateway/v1/chat_pb.js';
import { defaultApplied, parameterAdjusted } from '../shared/warnings.js';
import type { WarningCollector } from '../shared/warning-collector.js';
import type { FamilyTraits } from './family.js';
import type { WireMessage, WireResponseFormat } from './wire-types.js';

export interface ConvertedResponseFormat {
  format?: WireResponseFormat;
  /** Text for the system prompt, when the schema cannot travel as a format of its own. */
  instructions?: string;
}

type JsonSchemaFormat = Extract<WireResponseFormat, { type: 'json_schema' }>['json_schema'];

export function convertResponseFormat(format: ResponseFormat | undefined, traits: FamilyTraits, collector: WarningCollector): ConvertedResponseFormat {
  switch (format?.type) {
    case ResponseFormatType.TEXT:
      return { format: { type: 'text' } };
    case ResponseFormatType.JSON_OBJECT:
      return { format: { type: 'json_object' } };
    case ResponseFormatType.JSON_SCHEMA: {
      if (!traits.jsonSchemaFormat) return schemaAsInstructions(format, traits, collector);
      let name = format.schemaName;
      if (!name) {
        name = 'response';
        collector.add(defaultApplied('response_format.schema_name', 'json_schema needs a name; "response" was sent'));
      }
      // The schema travels unchanged ($defs/$ref included): OpenAI's strict mode validates it as written.
      const jsonSchema: JsonSchemaFormat = { name };
      if (format.description) jsonSchema.description = format.description;
      if (format.schema) jsonSchema.schema = format.schema;
      if (format.strict) jsonSchema.strict = true;
      return { format: { type: 'json_schema', json_schema: jsonSchema } };
    }
    default:
      return {};
  }
}

function schemaAsInstructions(format: ResponseFormat, traits: FamilyTraits, collector: WarningCollector): ConvertedResponseFormat {
  const named = format.schemaName ? ` "${format.schemaName}"` : '';
  collector.add(
    parameterAdjusted(
      'response_format',
      `${traits.label} takes no json_schema response format: the schema${named} was sent as json_object, with the schema in the system prompt; ` +
        `the answer is JSON, but ${traits.label} does not check it against the schema${format.strict ? ' (strict could not be honoured)' : ''}`,
    ),
  );
  const about = format.description ? ` (${format.description})` : '';
  const schema = format.schema ? ` It must conform to this JSON schema${named}${about}: ${JSON.stringify(format.schema as JsonValue)}` : '';
  return { format: { type: 'json_object' }, instructions: `Respond only with a JSON object.${schema}` };
}

/** The instructions at the end of the leading system message, or as one when there is none. */
export function withInstructions(messages: WireMessage[], instructions: string): WireMessage[] {
  const first = messages[0];
  if (first?.role === 'system') return [{ ...first, content: first.content ? `${first.content}\n\n${instructions}` : instructions }, ...messages.slice(1)];
  return [{ role: 'system', content: instructions }, ...messages];
}
