// The Anthropic family: the factory is all the core needs.
export { createAnthropicAdapter } from './anthropic-adapter.js';
