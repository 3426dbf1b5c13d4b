// Recorded-shape upstream bodies and SSE chunk lists (the `data:` payloads, in
// order) as OpenAI, Azure, DeepSeek, vLLM and Ollama send them. Ids and
// numbers are made up; field names, nesting and sequence are the vendors'.
import type { WireChatChunk, WireChatCompletion } from '../../../src/providers/openai/wire-types.js';

const FILTER = { hate: { filtered: false, severity: 'safe' }, self_harm: { filtered: false, severity: 'safe' }, sexual: { filtered: false, severity: 'safe' }, violence: { filtered: false, severity: 'safe' } };
/** Recorded JSON, typed loosely on purpose: vendors send fields the wire types do not name. */
const raw = (value: unknown) => value as WireChatChunk;
const chunk = (choices: unknown[], extra: Record<string, unknown> = {}) =>
  raw({ id: 'chatcmpl-rec', object: 'chat.completion.chunk', created: 1735000000, model: 'gpt-4.1-2025-04-14', system_fingerprint: 'fp_rec', choices, usage: null, ...extra });

/** OpenAI, two parallel calls whose fragments interleave, include_usage on. */
export const OPENAI_PARALLEL_TOOL_STREAM: WireChatChunk[] = [
  chunk([{ index: 0, delta: { role: 'assistant', content: null, refusal: null }, logprobs: null, finish_reason: null }]),
  chunk([{ index: 0, delta: { tool_calls: [{ index: 0, id: 'call_P1', type: 'function', function: { name: 'get_weather', arguments: '' } }] }, logprobs: null, finish_reason: null }]),
  chunk([{ index: 0, delta: { tool_calls: [{ index: 0, function: { arguments: '{"city"' } }] }, logprobs: null, finish_reason: null }]),
  chunk([{ index: 0, delta: { tool_calls: [{ index: 1, id: 'call_R1', type: 'function', function: { name: 'get_weather', arguments: '' } }] }, logprobs: null, finish_reason: null }]),
  chunk([{ index: 0, delta: { tool_calls: [{ index: 1, function: { arguments: '{"city":"Rome"}' } }] }, logprobs: null, finish_reason: null }]),
  chunk([{ index: 0, delta: { tool_calls: [{ index: 0, function: { arguments: ':"Paris"}' } }] }, logprobs: null, finish_reason: null }]),
  chunk([{ index: 0, delta: {}, logprobs: null, finish_reason: 'tool_calls' }]),
  chunk([], { usage: { prompt_tokens: 82, completion_tokens: 40, total_tokens: 122, prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 }, completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 } } }),
];

/** Azure classic: prompt-filter opener, annotated deltas, an annotation chunk without delta, a trailing `choices: []`. */
export const AZURE_TEXT_STREAM: WireChatChunk[] = [
  raw({ id: '', object: '', created: 0, model: '', choices: [], prompt_filter_results: [{ prompt_index: 0, content_filter_results: FILTER }] }),
  chunk([{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null, content_filter_results: {} }]),
  chunk([{ index: 0, delta: { content: 'Hello' }, finish_reason: null, content_filter_results: FILTER }]),
  raw({ id: '', object: '', created: 0, model: '', choices: [{ index: 0, finish_reason: null, content_filter_results: FILTER, content_filter_offsets: { check_offset: 0, start_offset: 0, end_offset: 5 } }] }),
  chunk([{ index: 0, delta: { content: ' there' }, finish_reason: null, content_filter_results: FILTER }]),
  chunk([{ index: 0, delta: {}, finish_reason: 'content_filter', content_filter_results: { ...FILTER, violence: { filtered: true, severity: 'medium' } } }]),
  raw({ id: '', object: '', created: 0, model: '', choices: [] }),
  chunk([], { usage: { prompt_tokens: 12, completion_tokens: 2, total_tokens: 14 } }),
];

/** DeepSeek thinking mode: reasoning_content deltas (content null), then content; hit/miss cache counters. */
export const DEEPSEEK_REASONING_STREAM: WireChatChunk[] = [
  chunk([{ index: 0, delta: { role: 'assistant', content: null, reasoning_content: '' }, logprobs: null, finish_reason: null }], { model: 'deepseek-reasoner' }),
  chunk([{ index: 0, delta: { content: null, reasoning_content: 'Three plus ' }, logprobs: null, finish_reason: null }], { model: 'deepseek-reasoner' }),
  chunk([{ index: 0, delta: { content: null, reasoning_content: 'three is six.' }, logprobs: null, finish_reason: null }], { model: 'deepseek-reasoner' }),
  chunk([{ index: 0, delta: { content: '6', reasoning_content: null }, logprobs: null, finish_reason: null }], { model: 'deepseek-reasoner' }),
  chunk([{ index: 0, delta: { content: '', reasoning_content: null }, logprobs: null, finish_reason: 'stop' }], {
    model: 'deepseek-reasoner',
    usage: { prompt_tokens: 60, completion_tokens: 40, total_tokens: 100, prompt_tokens_details: { cached_tokens: 0 }, completion_tokens_details: { reasoning_tokens: 30 }, prompt_cache_hit_tokens: 0, prompt_cache_miss_tokens: 60 },
  }),
];

/** vLLM (≥ Nov 2025): the reasoning field is `reasoning`. */
export const VLLM_REASONING_STREAM: WireChatChunk[] = [
  chunk([{ index: 0, delta: { role: 'assistant', content: '' }, logprobs: null, finish_reason: null }], { model: 'Qwen/Qwen3-8B' }),
  chunk([{ index: 0, delta: { reasoning: 'Thinking.' }, logprobs: null, finish_reason: null }], { model: 'Qwen/Qwen3-8B' }),
  chunk([{ index: 0, delta: { content: 'Done' }, logprobs: null, finish_reason: null }], { model: 'Qwen/Qwen3-8B' }),
  chunk([{ index: 0, delta: { content: '' }, logprobs: null, finish_reason: 'stop', stop_reason: null }], { model: 'Qwen/Qwen3-8B' }),
];

/** Ollama: every streamed call whole, all at index 0 (vercel/ai#14277); the finish says "stop". */
export const OLLAMA_TOOL_STREAM: WireChatChunk[] = [
  chunk([{ index: 0, delta: { role: 'assistant', content: '', tool_calls: [{ id: 'call_o1', index: 0, type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }] }, finish_reason: null }], { model: 'llama3.2' }),
  chunk([{ index: 0, delta: { role: 'assistant', content: '', tool_calls: [{ id: 'call_o2', index: 0, type: 'function', function: { name: 'get_weather', arguments: '{"city":"Rome"}' } }] }, finish_reason: null }], { model: 'llama3.2' }),
  chunk([{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: 'stop' }], { model: 'llama3.2', usage: { prompt_tokens: 30, completion_tokens: 20, total_tokens: 50 } }),
];

/** OpenAI, n = 2. */
export const OPENAI_TWO_CHOICE_STREAM: WireChatChunk[] = [
  chunk([{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }, { index: 1, delta: { role: 'assistant', content: '' }, finish_reason: null }]),
  chunk([{ index: 1, delta: { content: 'B' }, finish_reason: null }]),
  chunk([{ index: 0, delta: { content: 'A' }, finish_reason: null }]),
  chunk([{ index: 0, delta: {}, finish_reason: 'stop' }]),
  chunk([{ index: 1, delta: {}, finish_reason: 'length' }]),
  chunk([], { usage: { prompt_tokens: 5, completion_tokens: 2, total_tokens: 7 } }),
];

export const OPENAI_TOOL_CALL_COMPLETION: WireChatCompletion = {
  id: 'chatcmpl-rec',
  choices: [
    {
      index: 0,
      message: {
        role: 'assistant',
        content: null,
        refusal: null,
        tool_calls: [{ id: 'call_abc', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris","unit":"c"}' } }],
      },
      finish_reason: 'tool_calls',
    },
  ],
  usage: {
    prompt_tokens: 2000,
    completion_tokens: 300,
    total_tokens: 2300,
    prompt_tokens_details: { cached_tokens: 1500 },
    completion_tokens_details: { reasoning_tokens: 250 },
  },
};

export const DEEPSEEK_REASONING_COMPLETION: WireChatCompletion = {
  id: 'rec-deepseek',
  choices: [{ index: 0, message: { role: 'assistant', content: '6', reasoning_content: 'Three plus three is six.' }, finish_reason: 'stop' }],
  usage: { prompt_tokens: 60, completion_tokens: 40, total_tokens: 100, prompt_cache_hit_tokens: 40, prompt_cache_miss_tokens: 20, completion_tokens_details: { reasoning_tokens: 30 } },
};

/** Structured outputs: the model declined, `content` is null and `refusal` holds the text. */
export const REFUSAL_COMPLETION: WireChatCompletion = {
  id: 'chatcmpl-refusal',
  choices: [{ index: 0, message: { role: 'assistant', content: null, refusal: "I'm sorry, I can't help with that." }, finish_reason: 'stop' }],
  usage: { prompt_tokens: 10, completion_tokens: 9, total_tokens: 19 },
};
