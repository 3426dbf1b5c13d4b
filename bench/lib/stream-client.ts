// Streaming (SSE) measurements over one keep-alive connection, one stream at
// a time:
// - time to first chunk: from sending the request to receiving the bytes of
//   the first content event (the upstream's "FIRST");
// - chunk-by-chunk forwarding: against the paced upstream stream (each
//   content piece written alone, BENCH_STREAM_GAP_MS apart), how many reads
//   the client needed for the content events and the most content events
//   that arrived in one read. Forwarded one by one ⇔ reads with content ==
//   content events and at most one per read.
import http from 'node:http';
import { performance } from 'node:perf_hooks';

export interface StreamTarget {
  url: string;
  headers: Record<string, string>;
  body: string;
}

export interface TtfcResult {
  ttfcMs: number[];
  totalMs: number[];
  errors: number;
  seconds: number;
}

export interface PacedResult {
  streams: number;
  contentEvents: number;
  readsWithContent: number;
  maxContentEventsPerRead: number;
  errors: number;
}

const CONTENT_EVENT = /"content":"(?:FIRST|tok\d+ )"/g;

interface StreamObservation {
  status: number;
  ttfcMs: number;
  totalMs: number;
  /** Content events completed in each read (reads without any are left out). */
  contentPerRead: number[];
}

function streamOnce(agent: http.Agent, target: StreamTarget): Promise<StreamObservation> {
  return new Promise((resolve, reject) => {
    const startedAt = performance.now();
    let ttfcMs = Number.NaN;
    const contentPerRead: number[] = [];
    let pending = '';
    const request = http.request(
      target.url,
      { method: 'POST', agent, headers: { 'content-type': 'application/json', accept: 'text/event-stream', ...target.headers }, timeout: 10_000 },
      (response) => {
        response.setEncoding('utf8');
        response.on('data', (text: string) => {
          if (Number.isNaN(ttfcMs) && text.includes('FIRST')) ttfcMs = performance.now() - startedAt;
          pending += text;
          const boundary = pending.lastIndexOf('\n\n');
          if (boundary < 0) return;
          const complete = pending.slice(0, boundary);
          pending = pending.slice(boundary + 2);
          const events = complete.match(CONTENT_EVENT)?.length ?? 0;
          if (events > 0) contentPerRead.push(events);
        });
        response.on('end', () => resolve({ status: response.statusCode ?? 0, ttfcMs, totalMs: performance.now() - startedAt, contentPerRead }));
        response.on('error', reject);
      },
    );
    request.on('timeout', () => request.destroy(new Error('stream timed out')));
    request.on('error', reject);
    request.end(target.body);
  });
}

/** Sequential streams for `seconds` (at least one). */
export async function measureTtfc(target: StreamTarget, seconds: number): Promise<TtfcResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const result: TtfcResult = { ttfcMs: [], totalMs: [], errors: 0, seconds: 0 };
  const startedAt = performance.now();
  const deadline = startedAt + seconds * 1000;
  try {
    do {
      try {
        const observed = await streamOnce(agent, target);
        if (observed.status !== 200 || Number.isNaN(observed.ttfcMs)) result.errors += 1;
        else {
          result.ttfcMs.push(observed.ttfcMs);
          result.totalMs.push(observed.totalMs);
        }
      } catch {
        result.errors += 1;
      }
    } while (performance.now() < deadline);
  } finally {
    agent.destroy();
  }
  result.seconds = (performance.now() - startedAt) / 1000;
  return result;
}

export async function measurePaced(target: StreamTarget, streams: number): Promise<PacedResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const result: PacedResult = { streams: 0, contentEvents: 0, readsWithContent: 0, maxContentEventsPerRead: 0, errors: 0 };
  try {
    for (let index = 0; index < streams; index += 1) {
      try {
        const observed = await streamOnce(agent, target);
        if (observed.status !== 200) {
          result.errors += 1;
          continue;
        }
        result.streams += 1;
        result.readsWithContent += observed.contentPerRead.length;
        for (const count of observed.contentPerRead) {
          result.contentEvents += count;
          result.maxContentEventsPerRead = Math.max(result.maxContentEventsPerRead, count);
        }
      } catch {
        result.errors += 1;
      }
    }
  } finally {
    agent.destroy();
  }
  return result;
}
