// What a canonical stream says about itself besides the answer — the route
// that served it and the warnings — noted by both shims' stream renderers
// (render-stream.ts) for the response headers; such chunks render to nothing.
import type { RouteInfo, StreamChunk, Warning } from '../../gen/llmgateway/v1/chat_pb.js';

export class StreamFacts {
  /** What the stream said about its serving route, for the caller. */
  route: RouteInfo | undefined;
  /** The warnings the stream carried, for the caller. */
  readonly warnings: Warning[] = [];

  /** Notes a route or warning chunk; true when the chunk was one. */
  protected note(chunk: StreamChunk): boolean {
    const event = chunk.event;
    if (event.case === 'route') this.route = event.value;
    else if (event.case === 'warning') this.warnings.push(event.value);
    else return false;
    return true;
  }
}
