// A client that opens streams on one HTTP/2 connection and never reads them
// (issue 16 item 5: 1,000 such streams drove the gateway from 85 to 546 MB):
// the gateway calls the upstream for only as many of them as the connection's
// stream limit lets in, and reads each upstream answer only as far as the
// client's reading allows — it never pulls an upstream answer whole into
// memory. Over the REST shim (SSE) and Connect streaming alike, against an
// upstream whose answers are far larger than any buffer between the two.
import http2 from 'node:http2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEndlessUpstream, type EndlessUpstream } from '../fixtures/endless-upstream.js';
import { waitFor } from '../server/helpers.js';
import { chatBody, startLimitsHarness, type LimitsHarness } from './limits-harness.js';

const STREAM_LIMIT = 2;
const OPENED = 6;
/**
 * Each upstream answer's size. Between the upstream and a gateway that stops reading, the kernel's
 * two socket buffers alone may hold tens of MB on loopback (Linux tcp_rmem autotuning), so the
 * bound this test can see from outside is "not the whole answer", with the whole answer well above that.
 */
const ANSWER_BYTES = 160 * 1024 * 1024;

let upstream: EndlessUpstream;
let harness: LimitsHarness;

beforeAll(async () => {
  upstream = await startEndlessUpstream(ANSWER_BYTES);
  harness = await startLimitsHarness(
    { GATEWAY_HTTP2_MAX_CONCURRENT_STREAMS: String(STREAM_LIMIT) },
    { baseUrl: upstream.baseUrl, apiKey: upstream.apiKey, models: ['endless'] },
  );
});

afterAll(async () => {
  await harness?.gateway.close();
  await upstream?.close();
});

/** A Connect streaming request body: one enveloped JSON message. */
function connectEnvelope(message: object): Buffer {
  const json = Buffer.from(JSON.stringify(message));
  const frame = Buffer.alloc(5 + json.length);
  frame.writeUInt32BE(json.length, 1);
  json.copy(frame, 5);
  return frame;
}

const requests: Array<[string, (secret: string) => { headers: http2.OutgoingHttpHeaders; body: Buffer }]> = [
  [
    'REST (OpenAI SSE)',
    (secret) => ({
      headers: { ':method': 'POST', ':path': '/v1/chat/completions', 'content-type': 'application/json', authorization: `Bearer ${secret}` },
      body: Buffer.from(chatBody('up/endless', true)),
    }),
  ],
  [
    'Connect StreamComplete',
    (secret) => ({
      headers: { ':method': 'POST', ':path': '/llmgateway.v1.CompletionService/StreamComplete', 'content-type': 'application/connect+json', authorization: `Bearer ${secret}` },
      body: connectEnvelope({ chat: { model: 'up/endless', messages: [{ role: 'ROLE_USER', content: [{ text: { text: 'Hello' } }] }] } }),
    }),
  ],
];

/** Resolves once the upstream has written nothing more for a while: the unread streams are stuck. */
async function settled(): Promise<number[]> {
  let last = -1;
  let quietPolls = 0;
  await waitFor(
    () => {
      const total = upstream.written().reduce((sum, bytes) => sum + bytes, 0);
      quietPolls = total === last ? quietPolls + 1 : 0;
      last = total;
      return quietPolls >= 50; // 50 polls 20 ms apart: a second without progress
    },
    60_000,
    'the upstream writes to stop',
  );
  return upstream.written();
}

describe.each(requests)('streams nobody reads, over %s', (_label, request) => {
  it('reach the upstream only up to the stream limit, and never pull an upstream answer whole', async () => {
    const before = upstream.written().length;
    const session = http2.connect(harness.gateway.url);
    session.on('error', () => undefined); // destroyed at the end, streams and all
    try {
      // A well-behaved client: it learns the limit first, then queues what is over it.
      await new Promise((resolve) => session.once('remoteSettings', resolve));
      for (let index = 0; index < OPENED; index += 1) {
        const { headers, body } = request(harness.secret);
        const stream = session.request(headers);
        stream.on('error', () => undefined);
        // Never read: no 'data' listener, the stream stays paused and stops granting flow-control window.
        stream.end(body);
      }
      const written = (await settled()).slice(before);
      expect(written).toHaveLength(STREAM_LIMIT);
      for (const bytes of written) {
        expect(bytes).toBeGreaterThan(0);
        expect(bytes).toBeLessThan(ANSWER_BYTES);
      }
      expect(upstream.finished()).toBe(0);
    } finally {
      session.destroy();
    }
  });
});
