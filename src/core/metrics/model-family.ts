// The family of an upstream model, for the token-estimate accuracy histogram:
// a handful of fixed names, so the label stays bounded whatever models are
// configured. The gateway counts with OpenAI's encodings, so each vendor's
// own tokenizer shows as its family's spread around 1.
const FAMILIES: ReadonlyArray<[RegExp, string]> = [
  [/^(gpt-|chatgpt|o\d|text-embedding|davinci|babbage)/i, 'gpt'],
  [/claude/i, 'claude'],
  [/gemini|gemma/i, 'gemini'],
  [/deepseek/i, 'deepseek'],
  [/llama/i, 'llama'],
  [/mistral|mixtral|codestral|ministral/i, 'mistral'],
  [/qwen/i, 'qwen'],
];

export function modelFamilyOf(upstreamModel: string): string {
  for (const [pattern, family] of FAMILIES) if (pattern.test(upstreamModel)) return family;
  return 'other';
}
