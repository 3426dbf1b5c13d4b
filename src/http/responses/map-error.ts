// Failures on the Responses API surface: OpenAI's error body and status (the
// Chat Completions shim's table, ../openai/map-error.ts), except a stored
// response that is not the caller's: 404 for GET/DELETE as OpenAI answers
// ("Response with id … not found.", code null), 400 `previous_response_not_found`
// for previous_response_id.
import { StoredResponseNotFoundError } from '../../core/responses/response-store.js';
import { mapError as mapOpenAIError, type MapErrorContext, type MappedError } from '../openai/map-error.js';
import { toResponsesParam } from './param-names.js';

export function mapResponsesError(error: unknown, context: MapErrorContext = {}): MappedError {
  if (error instanceof StoredResponseNotFoundError) {
    return {
      status: error.asPrevious ? 400 : 404,
      headers: {},
      body: {
        error: {
          message: error.message,
          type: 'invalid_request_error',
          param: error.asPrevious ? 'previous_response_id' : null,
          code: error.asPrevious ? 'previous_response_not_found' : null,
        },
      },
      unexpected: false,
    };
  }
  return mapOpenAIError(error, { paramName: toResponsesParam, ...context });
}
