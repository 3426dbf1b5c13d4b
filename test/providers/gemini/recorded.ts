// Recorded-shape Gemini API bodies (as the v1beta API sends them, trimmed of
// safety ratings) for the pure mapper tests.
import type { GeminiResponse } from '../../../src/providers/gemini/wire-types.js';

/** Gemini 3: thought summary (includeThoughts), answer signed on its last text part. */
export const THOUGHTS_AND_SIGNED_TEXT: GeminiResponse = {
  candidates: [
    {
      content: {
        parts: [
          { text: '**Adding**\n\nThree plus three', thought: true },
          { text: ' is six.', thought: true },
          { text: 'The answer ' },
          { text: 'is 6.', thoughtSignature: 'CsYBAXLI2nw…sig-text' },
        ],
        role: 'model',
      },
      finishReason: 'STOP',
      index: 0,
    },
  ],
  usageMetadata: {
    promptTokenCount: 12,
    candidatesTokenCount: 5,
    totalTokenCount: 45,
    promptTokensDetails: [{ modality: 'TEXT', tokenCount: 12 }],
    thoughtsTokenCount: 28,
  } as GeminiResponse['usageMetadata'],
  modelVersion: 'gemini-3-flash-preview',
  responseId: 'aBcDeFgHiJkLmNoP',
};

/** Parallel calls without ids: only the first carries the signature. STOP ends the turn. */
export const PARALLEL_CALLS: GeminiResponse = {
  candidates: [
    {
      content: {
        parts: [
          { functionCall: { name: 'get_weather', args: { city: 'Paris' } }, thoughtSignature: 'CiQBcsjafirst' },
          { functionCall: { name: 'get_weather', args: { city: 'Rome' } } },
        ],
        role: 'model',
      },
      finishReason: 'STOP',
      index: 0,
    },
  ],
  usageMetadata: { promptTokenCount: 55, candidatesTokenCount: 24, totalTokenCount: 79 },
  modelVersion: 'gemini-3-pro-preview',
};

/** A prompt blocked before generation: HTTP 200, no candidates. */
export const BLOCKED_PROMPT: GeminiResponse = {
  promptFeedback: { blockReason: 'PROHIBITED_CONTENT' },
  usageMetadata: { promptTokenCount: 8, totalTokenCount: 8 },
  modelVersion: 'gemini-2.5-flash',
};

/** An `alt=sse` stream: thoughts, a call in one event, another call, STOP in a later event; cumulative usage. */
export const STREAM_WITH_CALLS: GeminiResponse[] = [
  {
    candidates: [{ content: { parts: [{ text: 'Checking both cities.', thought: true }], role: 'model' }, index: 0 }],
    usageMetadata: { promptTokenCount: 55, totalTokenCount: 55 },
  },
  {
    candidates: [
      {
        content: { parts: [{ functionCall: { name: 'get_weather', args: { city: 'Paris' } }, thoughtSignature: 'sig-first' }], role: 'model' },
        index: 0,
      },
    ],
    usageMetadata: { promptTokenCount: 55, candidatesTokenCount: 10, totalTokenCount: 80, thoughtsTokenCount: 15 },
  },
  {
    candidates: [{ content: { parts: [{ functionCall: { id: 'fc-2', name: 'get_weather', args: { city: 'Rome' } } }], role: 'model' }, index: 0 }],
    usageMetadata: { promptTokenCount: 55, candidatesTokenCount: 20, totalTokenCount: 90, thoughtsTokenCount: 15 },
  },
  {
    candidates: [{ content: { parts: [{ text: '' }], role: 'model' }, finishReason: 'STOP', index: 0 }],
    usageMetadata: { promptTokenCount: 55, candidatesTokenCount: 24, totalTokenCount: 94, thoughtsTokenCount: 15 },
  },
];
