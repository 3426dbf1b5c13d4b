// The Gemini family (Gemini API v1beta through @google/genai).
import type { ProviderAdapterFactory } from '../../domain/provider-adapter.js';
import { createGeminiAdapterWith } from './gemini-adapter.js';
import { createGeminiClient } from './gemini-client.js';

export const createGeminiAdapter: ProviderAdapterFactory = (connection) =>
  createGeminiAdapterWith(connection, createGeminiClient(connection));
