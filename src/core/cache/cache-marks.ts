// How an answer served without its own upstream call is marked: the route
// says `cache_hit` and lists no attempts (the stored answer's call was another
// request's: its attempts are not this one's), the usage keeps its token counts
// (they describe the answer) but costs nothing, and the answer gets an id of
// its own (a stream: in its start chunk), so no two requests share one.
import { create } from '@bufbuild/protobuf';
import { RouteInfoSchema, type ChatResponse, type StreamChunk } from '../../../gen/llmgateway/v1/chat_pb.js';
import { newCompletionId } from '../completion/completion-ids.js';

/** Marks `response` (in place) as served from the cache; returns it. */
export function markResponseAsHit(response: ChatResponse): ChatResponse {
  response.id = newCompletionId();
  response.route ??= create(RouteInfoSchema);
  response.route.cacheHit = true;
  response.route.attempts = [];
  if (response.usage) response.usage.costUsd = 0;
  return response;
}

/** Marks a start, route or usage chunk (in place) as served from the cache; other chunks are left alone. */
export function markChunkAsHit(chunk: StreamChunk): StreamChunk {
  if (chunk.event.case === 'start') chunk.event.value.id = newCompletionId();
  else if (chunk.event.case === 'route') {
    chunk.event.value.cacheHit = true;
    chunk.event.value.attempts = [];
  } else if (chunk.event.case === 'usage') chunk.event.value.costUsd = 0;
  return chunk;
}
