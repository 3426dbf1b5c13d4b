// A Gemini batchEmbedContents whose requests carry different taskType / title values (@google/genai
// against the gateway, fixture upstreams on 127.0.0.1): a Gemini provider gets one upstream call per
// (taskType, title), each of at most 100 requests, and the client gets every embedding in its request's
// place; another family gets the texts in one call, the options left out with a warning.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startShimHarness, type ShimHarness } from '../shim-harness.js';
import { geminiClient, postGemini } from './gemini-harness.js';
import { geminiEmbedding } from '../../fixtures/gemini-upstream.js';

let harness: ShimHarness;

beforeAll(async () => {
  harness = await startShimHarness(['openai', 'gemini']);
});
afterAll(async () => harness?.close());

type Json = Record<string, unknown>;
interface Entry {
  text: string;
  taskType?: string;
  title?: string;
}

const entries: Entry[] = [
  { text: 'Paris is sunny', taskType: 'RETRIEVAL_DOCUMENT', title: 'Weather' },
  { text: 'Is it sunny in Paris?', taskType: 'RETRIEVAL_QUERY' },
  { text: 'Rome is rainy', taskType: 'RETRIEVAL_DOCUMENT', title: 'Weather' },
  { text: 'Bread rises with yeast', taskType: 'RETRIEVAL_DOCUMENT', title: 'Baking' },
  { text: 'no options at all' },
];

/** The batch as Gemini's REST body: one request per entry, each with its own options. */
const requestsOf = (model: string, list: readonly Entry[]) =>
  list.map(({ text, ...options }) => ({ model: `models/${model}`, content: { parts: [{ text }] }, ...options }));

/** The batchEmbedContents calls the Gemini fixture received from `from` on, as their `requests`. */
const upstreamBatches = (from: number): Json[][] =>
  harness
    .fixture('gemini')
    .received.slice(from)
    .filter((request) => request.path.includes(':batchEmbedContents'))
    .map((request) => (request.body as { requests: Json[] }).requests);

/** @google/genai cannot type per-request options; its extraBody replaces the `requests` it builds. */
async function embedWithClient(model: string, list: readonly Entry[]) {
  return geminiClient(harness).models.embedContent({
    model,
    contents: list.map((entry) => entry.text),
    config: { httpOptions: { extraBody: { requests: requestsOf(model, list) } } },
  });
}

describe('a batch whose requests differ in taskType or title', () => {
  it('reaches a Gemini provider as one call per (taskType, title), answered in the order sent', async () => {
    const from = harness.fixture('gemini').received.length;
    const response = await embedWithClient('gemini/embedding-model', entries);

    expect(response.embeddings?.map((embedding) => embedding.values)).toEqual(entries.map((entry) => geminiEmbedding(entry.text)));
    const batches = upstreamBatches(from);
    const options = (batch: Json[]) => batch.map((request) => [request['taskType'], request['title']]);
    const texts = (batch: Json[]) => batch.map((request) => ((request['content'] as Json)['parts'] as Json[])[0]!['text']);
    expect(batches.map(options)).toEqual([
      [
        ['RETRIEVAL_DOCUMENT', 'Weather'],
        ['RETRIEVAL_DOCUMENT', 'Weather'],
      ],
      [['RETRIEVAL_QUERY', undefined]],
      [['RETRIEVAL_DOCUMENT', 'Baking']],
      [[undefined, undefined]],
    ]);
    expect(batches.map(texts)).toEqual([['Paris is sunny', 'Rome is rainy'], ['Is it sunny in Paris?'], ['Bread rises with yeast'], ['no options at all']]);
  });

  it('still goes upstream in calls of at most 100 requests per group', async () => {
    // 150 documents and 60 queries, interleaved.
    const many: Entry[] = Array.from({ length: 210 }, (_, index) =>
      index % 7 < 5 ? { text: `document ${index}`, taskType: 'RETRIEVAL_DOCUMENT' } : { text: `query ${index}`, taskType: 'RETRIEVAL_QUERY' },
    );
    const from = harness.fixture('gemini').received.length;
    const response = await postGemini(harness, '/v1beta/models/gemini%2Fembedding-model:batchEmbedContents', { requests: requestsOf('gemini/embedding-model', many) });

    expect(response.status).toBe(200);
    const body = (await response.json()) as { embeddings: Array<{ values: number[] }> };
    expect(body.embeddings.map((embedding) => embedding.values)).toEqual(many.map((entry) => geminiEmbedding(entry.text)));
    const batches = upstreamBatches(from);
    expect(batches.map((batch) => [batch.length, batch[0]!['taskType']])).toEqual([
      [100, 'RETRIEVAL_DOCUMENT'],
      [50, 'RETRIEVAL_DOCUMENT'],
      [60, 'RETRIEVAL_QUERY'],
    ]);
    for (const batch of batches) expect(new Set(batch.map((request) => request['taskType'])).size).toBe(1);
  });

  it('reaches another family as one call of every text, the options left out with a warning', async () => {
    const from = harness.fixture('openai').received.length;
    const response = await embedWithClient('openai/embedding-model', entries);

    expect(response.embeddings).toHaveLength(entries.length);
    const calls = harness.fixture('openai').received.slice(from);
    expect(calls).toHaveLength(1);
    expect((calls[0]!.body as Json)['input']).toEqual(entries.map((entry) => entry.text));
    expect(JSON.stringify(calls[0]!.body)).not.toContain('RETRIEVAL');
    const warnings = JSON.parse(response.sdkHttpResponse?.headers?.['x-gateway-warnings'] ?? '[]') as Array<{ param: string }>;
    expect(warnings.map((warning) => warning.param).sort()).toEqual(['taskType', 'title']);
  });
});
