// The OpenAI family (OpenAI, Azure OpenAI, OpenAI-compatible hosts): the factory is all the core needs.
export { createOpenAIAdapter } from './openai-adapter.js';
