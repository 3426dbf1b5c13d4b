// Which OpenAI-compatible host a request goes to, where hosts differ in what
// they take back (docs/provider-wire-formats.md, "OpenAI-compatible hosts"):
// - DeepSeek: earlier reasoning as `reasoning_content`, by its own rule;
//   known by its API host (api.deepseek.com), or behind any base URL (a
//   proxy) by its own model ids (deepseek-chat, deepseek-reasoner, deepseek-flash, deepseek-v4-…);
// - Groq: `reasoning` only, and any other field on a message is a 400;
// - every other host (vLLM, Ollama, LM Studio, llama.cpp, OpenRouter …).
// A provider has no setting for it: the base URL and model tell them apart.
export type CompatibleHost = 'deepseek' | 'groq' | 'other';

const DEEPSEEK_MODEL = /^deepseek-(chat|reasoner|flash|pro|v\d)/i;

export function compatibleHost(baseUrl: string, model: string): CompatibleHost {
  return compatibleHostAt(baseUrl)(model);
}

/** The base URL read once (per adapter); the model is per request. */
export function compatibleHostAt(baseUrl: string): (model: string) => CompatibleHost {
  const hostname = hostnameOf(baseUrl);
  if (hostname === 'deepseek.com' || hostname.endsWith('.deepseek.com')) return () => 'deepseek';
  if (hostname === 'api.groq.com') return () => 'groq';
  return (model) => (DEEPSEEK_MODEL.test(model) ? 'deepseek' : 'other');
}

function hostnameOf(baseUrl: string): string {
  try {
    return new URL(baseUrl).hostname.toLowerCase();
  } catch {
    return '';
  }
}
