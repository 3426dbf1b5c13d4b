// The adapter for each provider type. Every family is built from the same
// template (docs/provider-wire-formats.md, the table at the top).
import type { ProviderAdapter, ProviderConnection } from '../domain/provider-adapter.js';
import { createAnthropicAdapter } from './anthropic/index.js';
import { createGeminiAdapter } from './gemini/index.js';
import { createOpenAIAdapter } from './openai/index.js';

export function createProviderAdapter(connection: ProviderConnection): ProviderAdapter {
  switch (connection.type) {
    case 'openai':
    case 'azure-openai':
    case 'openai-compatible':
      return createOpenAIAdapter(connection);
    case 'anthropic':
      return createAnthropicAdapter(connection);
    case 'gemini':
      return createGeminiAdapter(connection);
  }
}
