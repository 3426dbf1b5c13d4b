// The per-connection HTTP/2 stream limit (GATEWAY_HTTP2_MAX_CONCURRENT_STREAMS,
// issue 16 item 5), on a real server: it is advertised in the server's
// SETTINGS, and enforced by the server itself — a client that ignores it and
// opens more streams at once gets the extra ones refused (RST_STREAM
// REFUSED_STREAM: never processed, safe to retry) while only the allowed
// number reach the upstream.
import http2 from 'node:http2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFaultUpstream, type FaultUpstream } from '../fixtures/fault-upstream.js';
import { waitFor } from '../server/helpers.js';
import { chatBody, startLimitsHarness, type LimitsHarness } from './limits-harness.js';
import { connectRaw, dataFrame, ERROR, errorCodeOf, FRAME, headersFrame } from './raw-h2.js';

const LIMIT = 3;
const OPENED = 8;

let upstream: FaultUpstream;
let harness: LimitsHarness;

beforeAll(async () => {
  upstream = await startFaultUpstream();
  harness = await startLimitsHarness(
    { GATEWAY_HTTP2_MAX_CONCURRENT_STREAMS: String(LIMIT) },
    { baseUrl: upstream.baseUrl, apiKey: upstream.apiKey, models: ['hang-x'] },
  );
});

afterAll(async () => {
  await harness?.gateway.close();
  await upstream?.close();
});

describe('the HTTP/2 stream limit', () => {
  it('is advertised in the server SETTINGS as configured', async () => {
    const session = http2.connect(harness.gateway.url);
    try {
      const settings = await new Promise<http2.Settings>((resolve, reject) => {
        session.once('remoteSettings', resolve);
        session.once('error', reject);
      });
      expect(settings.maxConcurrentStreams).toBe(LIMIT);
      expect(session.remoteSettings.maxConcurrentStreams).toBe(LIMIT);
    } finally {
      session.close();
    }
  });

  it('is enforced by the server: streams over it on one connection are refused, never served', async () => {
    const { port } = harness.gateway;
    const connection = await connectRaw(port);
    try {
      // Every request in one write, before the server's SETTINGS could be read: nothing on the
      // client's side holds any back. Each streams a chat whose upstream never answers, so the
      // streams that are let in stay open.
      const streamIds = Array.from({ length: OPENED }, (_, index) => 1 + 2 * index);
      const requests = streamIds.flatMap((id) => [
        headersFrame(
          id,
          [
            [':method', 'POST'],
            [':scheme', 'http'],
            [':authority', `127.0.0.1:${port}`],
            [':path', '/v1/chat/completions'],
            ['content-type', 'application/json'],
            ['authorization', `Bearer ${harness.secret}`],
          ],
          false,
        ),
        dataFrame(id, chatBody('up/hang-x', true), true),
      ]);
      connection.send(Buffer.concat(requests));

      const refused = () =>
        connection.frames.filter((received) => received.type === FRAME.RST_STREAM && errorCodeOf(received) === ERROR.REFUSED_STREAM).map((received) => received.streamId);
      const goaway = () => connection.frames.find((received) => received.type === FRAME.GOAWAY);
      // Sequencing, not timing: until each stream was either refused or reached the upstream.
      await waitFor(() => refused().length + upstream.calls('hang-x') >= OPENED || goaway() !== undefined, 10_000, 'every stream refused or served');

      expect(goaway()).toBeUndefined();
      expect(refused()).toEqual(streamIds.slice(LIMIT));
      expect(upstream.calls('hang-x')).toBe(LIMIT);
      // The admitted streams are still open, waiting on their upstream.
      expect(connection.frames.filter((received) => received.type === FRAME.RST_STREAM && streamIds.slice(0, LIMIT).includes(received.streamId))).toEqual([]);
    } finally {
      connection.close();
    }
  });
});
