// The canonical ENUM response format's schema (JSON Schema) → the schema
// Gemini's enum mode takes. `responseJsonSchema` needs responseMimeType
// application/json, so text/x.enum travels with `responseSchema`, Gemini's
// OpenAPI subset (https://ai.google.dev/api/caching#Schema): type names in
// upper case, and a `null` among the types as `nullable: true`.
import type { JsonObject, JsonValue } from '@bufbuild/protobuf';

export function enumResponseSchema(schema: JsonObject): JsonObject {
  return openApiSchemaOf(schema) as JsonObject;
}

function openApiSchemaOf(value: JsonValue, key = ''): JsonValue {
  if (Array.isArray(value)) return value.map((entry) => openApiSchemaOf(entry));
  if (value === null || typeof value !== 'object') return key === 'type' && typeof value === 'string' ? value.toUpperCase() : value;
  const converted: JsonObject = {};
  for (const [name, entry] of Object.entries(value)) {
    // Under `properties` the keys are property names, not schema keywords.
    converted[name] = key === 'properties' ? openApiSchemaOf(entry) : openApiSchemaOf(entry, name);
  }
  const type = value['type'];
  if (key !== 'properties' && Array.isArray(type)) {
    const named = type.filter((entry) => entry !== 'null');
    if (named.length === 1 && typeof named[0] === 'string') {
      converted['type'] = named[0].toUpperCase();
      if (named.length < type.length) converted['nullable'] = true;
    }
  }
  if (key !== 'properties' && Array.isArray(converted['enum']) && converted['nullable'] === true) {
    converted['enum'] = converted['enum'].filter((entry) => entry !== null);
  }
  return converted;
}
