// The OpenAI family (OpenAI, Azure OpenAI, OpenAI-compatible hosts) for the core.
export { createOpenAIAdapter } from './openai-adapter.js';
