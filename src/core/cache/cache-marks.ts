// How an answer served without its own upstream call is marked: the route
// says `cache_hit`, and the usage keeps its token counts (they describe the
// answer) but costs nothing.
import { create } from '@bufbuild/protobuf';
import { RouteInfoSchema, type ChatResponse, type StreamChunk } from '../../../gen/llmgateway/v1/chat_pb.js';

/** Marks `response` (in place) as served from the cache; returns it. */
export function markResponseAsHit(response: ChatResponse): ChatResponse {
  response.route ??= create(RouteInfoSchema);
  response.route.cacheHit = true;
  if (response.usage) response.usage.costUsd = 0;
  return response;
}

/** Marks a route or usage chunk (in place) as served from the cache; other chunks are left alone. */
export function markChunkAsHit(chunk: StreamChunk): StreamChunk {
  if (chunk.event.case === 'route') chunk.event.value.cacheHit = true;
  else if (chunk.event.case === 'usage') chunk.event.value.costUsd = 0;
  return chunk;
}
