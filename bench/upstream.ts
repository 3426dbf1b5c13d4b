// The benchmark's upstream: a minimal OpenAI Chat Completions server on
// 127.0.0.1 with no artificial delay. It parses each body (as a real upstream
// would) and answers from pre-serialised templates.
//
//   POST /v1/chat/completions, stream false → one JSON completion
//   stream true, any model but `bench-paced` → the whole SSE stream at once,
//     one write per event; the first event carries the content "FIRST"
//   stream true, model `bench-paced` → FIRST, then `tok1 ` … `tok<n-1> `, the
//     finish and [DONE], one write per event, BENCH_STREAM_GAP_MS apart (so
//     that a client can tell whether each chunk reached it as its own write)
//   GET /v1/models
//
// Prints `{"ready":true,"port":N}` on stdout once listening.
import './child-guard.js';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

const port = Number(process.env['BENCH_PORT'] ?? '0');
const gapMs = Number(process.env['BENCH_STREAM_GAP_MS'] ?? '5');
const pacedChunks = Number(process.env['BENCH_STREAM_CHUNKS'] ?? '8');

const CONTENT = 'Hello! This is a short answer from the benchmark upstream, about the size of a typical reply.';
const USAGE = { prompt_tokens: 14, completion_tokens: 19, total_tokens: 33, prompt_tokens_details: { cached_tokens: 0 }, completion_tokens_details: { reasoning_tokens: 0 } };

const completions = new Map<string, Buffer>();
function completionBody(model: string): Buffer {
  let body = completions.get(model);
  if (!body) {
    body = Buffer.from(
      JSON.stringify({
        id: 'chatcmpl-bench',
        object: 'chat.completion',
        created: 1_700_000_000,
        model,
        choices: [{ index: 0, message: { role: 'assistant', content: CONTENT, refusal: null }, logprobs: null, finish_reason: 'stop' }],
        usage: USAGE,
        system_fingerprint: 'fp_bench',
      }),
    );
    completions.set(model, body);
  }
  return body;
}

function chunk(model: string, delta: object, finishReason: string | null = null): string {
  const event = { id: 'chatcmpl-bench', object: 'chat.completion.chunk', created: 1_700_000_000, model, system_fingerprint: 'fp_bench', choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }] };
  return `data: ${JSON.stringify(event)}\n\n`;
}

/** The events of one stream: FIRST (with the role), n-1 more text pieces, the finish, usage (when asked), [DONE]. */
function streamEvents(model: string, pieces: number, includeUsage: boolean): string[] {
  const events = [chunk(model, { role: 'assistant', content: 'FIRST', refusal: null })];
  for (let index = 1; index < pieces; index += 1) events.push(chunk(model, { content: `tok${index} ` }));
  events.push(chunk(model, {}, 'stop'));
  if (includeUsage) {
    events.push(`data: ${JSON.stringify({ id: 'chatcmpl-bench', object: 'chat.completion.chunk', created: 1_700_000_000, model, choices: [], usage: USAGE })}\n\n`);
  }
  events.push('data: [DONE]\n\n');
  return events;
}

const SSE_HEADERS = { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' };

const server = http.createServer((request, response) => {
  if (request.method === 'GET' && request.url?.endsWith('/models')) {
    const body = JSON.stringify({ object: 'list', data: [{ id: 'bench-model', object: 'model', created: 1_700_000_000, owned_by: 'bench' }] });
    response.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    response.end(body);
    return;
  }
  const parts: Buffer[] = [];
  request.on('data', (part: Buffer) => parts.push(part));
  request.on('end', () => {
    let parsed: { model?: unknown; stream?: unknown; stream_options?: { include_usage?: unknown } };
    try {
      parsed = JSON.parse(Buffer.concat(parts).toString('utf8')) as typeof parsed;
    } catch {
      response.writeHead(400, { 'content-type': 'application/json' });
      response.end('{"error":{"message":"invalid JSON","type":"invalid_request_error","param":null,"code":null}}');
      return;
    }
    const model = typeof parsed.model === 'string' ? parsed.model : 'bench-model';
    if (parsed.stream !== true) {
      const body = completionBody(model);
      response.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length });
      response.end(body);
      return;
    }
    const includeUsage = parsed.stream_options?.include_usage === true;
    response.writeHead(200, SSE_HEADERS);
    if (model !== 'bench-paced') {
      for (const event of streamEvents(model, 4, includeUsage)) response.write(event);
      response.end();
      return;
    }
    const events = streamEvents(model, pacedChunks, includeUsage);
    let next = 0;
    const writeNext = () => {
      if (response.destroyed) return;
      const event = events[next++];
      if (event === undefined) {
        response.end();
        return;
      }
      response.write(event);
      timer = setTimeout(writeNext, gapMs);
    };
    let timer: NodeJS.Timeout | undefined;
    response.on('close', () => clearTimeout(timer));
    writeNext();
  });
});

server.keepAliveTimeout = 65_000;
server.listen(port, '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ ready: true, port: (server.address() as AddressInfo).port })}\n`);
});

process.on('SIGTERM', () => {
  server.close();
  server.closeAllConnections();
  process.exit(0);
});
