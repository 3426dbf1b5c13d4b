import { describe, expect, it } from 'vitest';
import { compatibleHost } from '../../../src/providers/openai/compatible-host.js';

describe('compatibleHost', () => {
  it('knows DeepSeek and Groq by their API hosts, whatever the model', () => {
    expect(compatibleHost('https://api.deepseek.com', 'anything')).toBe('deepseek');
    expect(compatibleHost('https://api.deepseek.com/v1/', 'deepseek-v4-pro')).toBe('deepseek');
    expect(compatibleHost('https://eu.api.deepseek.com/v1', 'm')).toBe('deepseek');
    expect(compatibleHost('https://api.groq.com/openai/v1', 'deepseek-r1-distill-llama-70b')).toBe('groq');
    expect(compatibleHost('HTTPS://API.GROQ.COM/openai/v1', 'llama-3.3-70b-versatile')).toBe('groq');
  });

  it('knows DeepSeek behind any other base URL by its own model ids', () => {
    for (const model of ['deepseek-chat', 'deepseek-reasoner', 'deepseek-v4-flash', 'DeepSeek-V4-Pro']) {
      expect(compatibleHost('http://127.0.0.1:8080/v1', model)).toBe('deepseek');
    }
  });

  it('takes anything else for a host of the `reasoning` / `reasoning_content` kind (vLLM, Ollama, LM Studio, OpenRouter …)', () => {
    expect(compatibleHost('http://localhost:8000/v1', 'Qwen/Qwen3-8B')).toBe('other');
    expect(compatibleHost('http://localhost:11434/v1', 'deepseek-r1:8b')).toBe('other');
    expect(compatibleHost('https://openrouter.ai/api/v1', 'deepseek/deepseek-r1')).toBe('other');
    expect(compatibleHost('not a url', 'm')).toBe('other');
    expect(compatibleHost('https://api.deepseek.com.evil.test', 'm')).toBe('other');
  });
});
