// A path the gateway does not serve answers 404 in the error shape of the client's API, so the
// official SDKs raise their not-found error with a message naming what was asked, instead of reading
// Fastify's own body (whose `error` is a bare string): OpenAI's for `/v1/…`, Anthropic's for a request
// with `anthropic-version`, Google's for `/v1beta/…`. Other paths keep Fastify's answer.
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rejection } from '../helpers/rejection.js';
import { startShimHarness, type ShimHarness } from './shim-harness.js';

let harness: ShimHarness;
beforeAll(async () => {
  harness = await startShimHarness(['openai']);
});
afterAll(async () => harness?.close());

describe('a path no route serves', () => {
  it('OpenAI SDK, an endpoint the gateway does not serve (files): NotFoundError, "Invalid URL (GET /v1/files)"', async () => {
    const error = await rejection(harness.client.files.list());
    expect(error).toBeInstanceOf(OpenAI.NotFoundError);
    expect((error as InstanceType<typeof OpenAI.NotFoundError>).error).toMatchObject({ type: 'invalid_request_error', code: null });
    expect((error as Error).message).toContain('Invalid URL (GET /v1/files)');
  });

  it('Anthropic SDK, message batches: NotFoundError with not_found_error', async () => {
    const anthropic = new Anthropic({ baseURL: harness.gateway.url, apiKey: harness.secret, maxRetries: 0 });
    const error = await rejection(anthropic.messages.batches.list());
    expect(error).toBeInstanceOf(Anthropic.NotFoundError);
    expect((error as InstanceType<typeof Anthropic.NotFoundError>).error).toMatchObject({ type: 'error', error: { type: 'not_found_error' } });
    expect((error as Error).message).toContain('GET /v1/messages/batches');
  });

  it('a Gemini path (cached contents): Google\'s NOT_FOUND shape', async () => {
    const answer = await fetch(`${harness.gateway.url}/v1beta/cachedContents?key=${harness.secret}`);
    expect(answer.status).toBe(404);
    expect(await answer.json()).toEqual({ error: { code: 404, message: 'GET /v1beta/cachedContents is not served by this gateway.', status: 'NOT_FOUND' } });
  });

  it('any other path: Fastify\'s own answer, as before', async () => {
    const answer = await fetch(`${harness.gateway.url}/nothing-here?x=1`);
    expect(answer.status).toBe(404);
    expect(await answer.json()).toEqual({ message: 'Route GET:/nothing-here?x=1 not found', error: 'Not Found', statusCode: 404 });
  });
});
