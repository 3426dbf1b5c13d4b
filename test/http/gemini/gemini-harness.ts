// The Gemini surface's test setup: the shim harness (fixture upstreams of
// several families, a virtual key) plus the official @google/genai client
// pointed at the gateway, without retries so error tests see the first answer.
import { GoogleGenAI } from '@google/genai';
import type { NormalizedUpstreamRequest, ProviderFamily } from '../../fixtures/scenarios.js';
import type { ShimHarness } from '../shim-harness.js';

/** The client on v1beta (Google's REST reference version; the models listing is there), or `apiVersion`. */
export const geminiClient = (harness: ShimHarness, apiKey = harness.secret, apiVersion = 'v1beta'): GoogleGenAI =>
  new GoogleGenAI({ apiKey, apiVersion, httpOptions: { baseUrl: harness.gateway.url, retryOptions: { attempts: 1 } } });

/** The scenarios' weather tool, as a Gemini function declaration. */
export const weatherDeclaration = {
  name: 'get_weather',
  description: 'Current weather for a city',
  parametersJsonSchema: {
    type: 'object',
    properties: { city: { type: 'string' }, unit: { type: 'string', enum: ['c', 'f'] } },
    required: ['city'],
    additionalProperties: false,
  },
};

export function lastUpstreamRequest(harness: ShimHarness, family: ProviderFamily): NormalizedUpstreamRequest {
  const recorded = harness.fixture(family).received.filter((request) => request.normalized).at(-1);
  if (!recorded?.normalized) throw new Error(`the ${family} upstream received no chat request`);
  return recorded.normalized;
}

/** POST to a Gemini path with `x-goog-api-key` (or the given headers), body as JSON. */
export function postGemini(harness: ShimHarness, path: string, body: unknown, headers: Record<string, string> = { 'x-goog-api-key': harness.secret }) {
  return fetch(`${harness.gateway.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}
