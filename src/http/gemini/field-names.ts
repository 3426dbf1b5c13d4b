// Canonical field names (as the core and the adapters report them in errors
// and warnings: `chat.messages[1].content`, `chat.tool_choice.tool_name`) →
// the field of the Gemini request the client sent (`contents[0].parts`,
// `toolConfig.functionCallingConfig.allowedFunctionNames`), so an error reads
// as Google's do: `Invalid value at 'contents[0].parts': …`
// (https://ai.google.dev/gemini-api/docs/troubleshooting). Canonical message k
// is contents[k − 1] when a systemInstruction became message 0; canonical tools
// are the request's functionDeclarations in order; a canonical part is the
// content's parts[j] counting only the parts that were not empty nor joined
// into a later thought part (parse-contents.ts, thought-runs.ts). Names are
// lowerCamelCase whichever spelling the client used (field-spelling.ts).
// Worked out only when an error or a warning needs one. Best effort: a name it
// does not know passes through without `chat.`.
import type { ClientFieldNames } from '../../domain/request-context.js';
import { isEmptyPart } from './empty-part.js';
import { isRecord, type JsonRecord } from './request-error.js';
import { joinedThoughtParts } from './thought-runs.js';

const TOP_LEVEL: Readonly<Record<string, string>> = {
  messages: 'contents',
  temperature: 'generationConfig.temperature',
  top_p: 'generationConfig.topP',
  top_k: 'generationConfig.topK',
  max_output_tokens: 'generationConfig.maxOutputTokens',
  candidate_count: 'generationConfig.candidateCount',
  logprobs: 'generationConfig.responseLogprobs',
  top_logprobs: 'generationConfig.logprobs',
  seed: 'generationConfig.seed',
  presence_penalty: 'generationConfig.presencePenalty',
  frequency_penalty: 'generationConfig.frequencyPenalty',
  stop: 'generationConfig.stopSequences',
  reasoning: 'generationConfig.thinkingConfig',
  'reasoning.budget_tokens': 'generationConfig.thinkingConfig.thinkingBudget',
  'reasoning.effort': 'generationConfig.thinkingConfig.thinkingLevel',
  'reasoning.include_reasoning': 'generationConfig.thinkingConfig.includeThoughts',
  response_format: 'generationConfig.responseMimeType',
  'response_format.type': 'generationConfig.responseMimeType',
  tool_choice: 'toolConfig.functionCallingConfig.mode',
  'tool_choice.mode': 'toolConfig.functionCallingConfig.mode',
  'tool_choice.tool_name': 'toolConfig.functionCallingConfig.allowedFunctionNames',
  inputs: 'requests',
  dimensions: 'outputDimensionality',
};

/** Within one part (after `.content[j]`). */
const IN_PART: Array<[RegExp, string | ((match: string, index: string) => string)]> = [
  [/^\.tool_call\.arguments_json/, '.functionCall.args'],
  [/^\.tool_call/, '.functionCall'],
  [/^\.tool_result\.tool_call_id/, '.functionResponse.id'],
  // A tool result's content[0] is the response's text, its files functionResponse.parts after it (parse-contents.ts).
  [/^\.tool_result\.content\[(\d+)\]\.(?:image|document).*$/, (_match, index) => `.functionResponse.parts[${Number(index) - 1}]`],
  [/^\.tool_result\.content(\[\d+\])?/, '.functionResponse.response'],
  [/^\.tool_result/, '.functionResponse'],
  [/^\.(image|document)\.url/, '.fileData.fileUri'],
  [/^\.(image|document)\.data/, '.inlineData.data'],
  [/^\.reasoning(\.text)?/, ''],
];

const MESSAGE = /^messages\[(\d+)\](?:\.content\[(\d+)\](.*)|(.*))$/;
const TOOL = /^tools\[(\d+)\](.*)$/;

export class GeminiFieldNames implements ClientFieldNames {
  /**
   * @param systemOffset 1 when a systemInstruction became canonical message 0, else 0.
   * @param request the request as parsed (camelCase), read only to name a field.
   */
  constructor(
    readonly systemOffset: number,
    readonly request: JsonRecord | undefined,
  ) {}

  /** The Gemini field a canonical field stands for. */
  field(canonical: string): string {
    const name = canonical.startsWith('chat.') ? canonical.slice(5) : canonical;
    if (name.startsWith('provider_options.')) return name.slice('provider_options.'.length);
    const message = MESSAGE.exec(name);
    if (message) return this.#messageField(Number(message[1]), message[2], message[3] ?? '', message[4] ?? '');
    const tool = TOOL.exec(name);
    if (tool) return this.#toolField(Number(tool[1]), tool[2] ?? '');
    if (name === 'response_format.schema') return `generationConfig.${this.#has(this.#record('generationConfig'), 'responseJsonSchema') ? 'responseJsonSchema' : 'responseSchema'}`;
    return TOP_LEVEL[name] ?? name;
  }

  /** A core message is `<canonical field>: <text>`; Google words it `Invalid value at '<field>': <text>`. */
  errorMessage(message: string, field: string): string {
    const prefix = `${field}: `;
    if (!message.startsWith(prefix)) return message;
    return `Invalid value at '${this.field(field)}': ${message.slice(prefix.length)}`;
  }

  #messageField(index: number, partIndex: string | undefined, inPart: string, rest: string): string {
    const contentIndex = index - this.systemOffset;
    if (contentIndex < 0) return partIndex === undefined ? 'systemInstruction' : `systemInstruction.parts[${partIndex}]`;
    const content = `contents[${contentIndex}]`;
    if (partIndex === undefined) return `${content}${rest.replace(/^\.content/, '.parts')}`;
    const rawPart = this.#rawPart(contentIndex, Number(partIndex));
    let suffix = inPart;
    for (const [pattern, replacement] of IN_PART) suffix = typeof replacement === 'string' ? suffix.replace(pattern, replacement) : suffix.replace(pattern, replacement);
    const image = this.#has(rawPart.entry, 'fileData') ? '.fileData' : '.inlineData';
    suffix = suffix.replace(/^\.(image|document)\.media_type/, `${image}.mimeType`).replace(/^\.(image|document)/, image);
    return `${content}.parts[${rawPart.index}]${suffix}`;
  }

  /** The client's index of the canonical part: empty parts were skipped, a run of thought parts is its last part (parse-contents.ts). */
  #rawPart(contentIndex: number, partIndex: number): { index: number; entry: JsonRecord | undefined } {
    const contents = this.request?.['contents'];
    const content = Array.isArray(contents) ? (contents[contentIndex] as unknown) : undefined;
    const parts = isRecord(content) && Array.isArray(content['parts']) ? (content['parts'] as unknown[]) : [];
    const joined = joinedThoughtParts(contents);
    let seen = -1;
    for (let index = 0; index < parts.length; index += 1) {
      const entry = parts[index];
      if ((isRecord(entry) && isEmptyPart(entry)) || joined.has(entry)) continue;
      seen += 1;
      if (seen === partIndex) return { index, entry: isRecord(entry) ? entry : undefined };
    }
    return { index: partIndex, entry: undefined };
  }

  /** Canonical tools[i] is the i-th functionDeclaration across the request's tools. */
  #toolField(index: number, rest: string): string {
    const tools = this.request?.['tools'];
    let remaining = index;
    for (let position = 0; Array.isArray(tools) && position < tools.length; position += 1) {
      const tool = tools[position] as unknown;
      const declarations = isRecord(tool) && Array.isArray(tool['functionDeclarations']) ? (tool['functionDeclarations'] as unknown[]) : [];
      if (remaining >= declarations.length) {
        remaining -= declarations.length;
        continue;
      }
      const declaration = declarations[remaining];
      const parameters = isRecord(declaration) && this.#has(declaration, 'parametersJsonSchema') ? '.parametersJsonSchema' : '.parameters';
      return `tools[${position}].functionDeclarations[${remaining}]${rest.replace(/^\.parameters/, parameters)}`;
    }
    return `tools[0].functionDeclarations[${index}]${rest}`;
  }

  #record(name: string): JsonRecord | undefined {
    const value = this.request?.[name];
    return isRecord(value) ? value : undefined;
  }

  #has(record: JsonRecord | undefined, name: string): boolean {
    return record !== undefined && record[name] !== undefined && record[name] !== null;
  }
}

/** Before a request is parsed (or when it has no contents: embeddings). */
export const NO_REQUEST_FIELD_NAMES = new GeminiFieldNames(0, undefined);
