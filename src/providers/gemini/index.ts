// The Gemini family (Gemini API v1beta through @google/genai): the factory is all the core needs.
export { createGeminiAdapter } from './gemini-adapter.js';
