// A stream whose upstream sends its first event and then nothing, with the
// socket left open, ends with deadline_exceeded after
// GATEWAY_STREAM_IDLE_TIMEOUT_MS (here 300 ms; 300 s by default) — for every
// provider family, Gemini's included (its SDK's fetch has no socket timeout):
// the client gets Gemini's DEADLINE_EXCEEDED in the stream, the request-log
// row says deadline_exceeded, and the gateway closes the upstream connection.
// (The fixtures' slow-stream would end on its own only after 30 s.)
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GenerateContentResponse } from '@google/genai';
import { startShimHarness, type ShimHarness } from '../http/shim-harness.js';
import { geminiClient } from '../http/gemini/gemini-harness.js';

const FAMILIES = ['gemini', 'openai', 'anthropic'] as const;
let harness: ShimHarness;

beforeAll(async () => {
  harness = await startShimHarness([...FAMILIES], { GATEWAY_STREAM_IDLE_TIMEOUT_MS: '300' });
});
afterAll(() => harness?.close());

interface LoggedRow {
  requestedModel: string;
  status: string;
  errorKind: string;
  stream?: boolean;
}

async function rowFor(model: string): Promise<LoggedRow> {
  for (let tries = 0; tries < 50; tries += 1) {
    await harness.gateway.gateway.requestLog.flush();
    const listed = (await harness.admin('UsageService/ListRequests', { pageSize: 100 })) as { requests?: LoggedRow[] };
    const row = listed.requests?.find((entry) => entry.requestedModel === model);
    if (row) return row;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`no request-log row for ${model}`);
}

describe.each(FAMILIES)('an upstream (%s) that stalls after its first event', (family) => {
  it('ends the stream with deadline_exceeded, logs it so, and closes the upstream connection', async () => {
    const model = `${family}/slow-stream`;
    const abortedBefore = harness.fixture(family).abortedStreams();
    const received: GenerateContentResponse[] = [];
    const failure = await (async () => {
      for await (const response of await geminiClient(harness).models.generateContentStream({ model, contents: 'Take your time' })) received.push(response);
    })().catch((error: unknown) => error);

    expect(received.map((response) => response.text ?? '').join('')).not.toBe('');
    expect(failure).toBeInstanceOf(Error);
    expect(String((failure as Error).message)).toContain('DEADLINE_EXCEEDED');
    expect(await rowFor(model)).toMatchObject({ status: 'REQUEST_STATUS_ERROR', errorKind: 'deadline_exceeded', stream: true });
    await expect.poll(() => harness.fixture(family).abortedStreams()).toBe(abortedBefore + 1);
  });
});
