// The Anthropic family (Messages API through @anthropic-ai/sdk): the factory is all the core needs.
export { createAnthropicAdapter } from './anthropic-adapter.js';
