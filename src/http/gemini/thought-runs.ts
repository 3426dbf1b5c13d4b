// Which thought parts of a request are one reasoning block with a later part.
//
// The gateway streams another family's reasoning (Anthropic's thinking) as it
// comes: one thought part per delta, without a signature, then the signature on
// a last thought part (render-stream.ts; a signature closes the canonical
// reasoning part, ReasoningDelta in chat.proto). Gemini clients keep every part
// and send them back, as https://ai.google.dev/gemini-api/docs/thought-signatures
// asks (@google/genai's chat even keeps one model content per streamed chunk).
// Anthropic takes a thinking block back only whole, its text byte for byte the
// one its signature was issued for
// (https://platform.claude.com/docs/en/build-with-claude/extended-thinking), so
// the unsigned thought parts that run, across consecutive model contents, up to
// a thought part whose marked signature (thought-signature.ts) names another
// family are joined into that part: their texts first, in order, then its own.
//
// Gemini's own thoughts are never joined: each of its signatures goes back on
// the very part it came on (same Google page), and its unsigned thoughts as they
// came. Nor is redacted reasoning, which has no text to join to.
import { isEmptyPart } from './empty-part.js';
import { GEMINI_PROVIDER_TYPE } from './gemini-names.js';
import { isRecord, isUnset, type JsonRecord } from './request-error.js';
import { decodeThoughtSignature } from './thought-signature.js';

/** What makes a part something other than thought text (parse-contents.ts reads these first). */
const OTHER_KINDS = ['functionCall', 'functionResponse', 'inlineData', 'fileData'];

type ThoughtKind = 'unsigned' | 'closing' | 'other';

/**
 * The parts (the request's own part objects) joined into a later thought part.
 * Reads the contents as sent, before they are checked: anything unexpected ends a run.
 */
export function joinedThoughtParts(contents: unknown): Set<unknown> {
  const joined = new Set<unknown>();
  if (!Array.isArray(contents)) return joined;
  let run: unknown[] = [];
  // Loops, not callbacks: see docs/performance.md, "Closures made per request".
  for (let index = 0; index < contents.length; index += 1) {
    const content: unknown = contents[index];
    const parts = isRecord(content) && content['role'] === 'model' && Array.isArray(content['parts']) ? (content['parts'] as unknown[]) : undefined;
    if (parts === undefined) {
      run = [];
      continue;
    }
    for (let position = 0; position < parts.length; position += 1) {
      const entry: unknown = parts[position];
      if (isRecord(entry) && isEmptyPart(entry)) continue;
      const kind = isRecord(entry) ? thoughtKind(entry) : 'other';
      if (kind === 'unsigned') {
        run.push(entry);
        continue;
      }
      if (kind === 'closing') for (const part of run) joined.add(part);
      run = [];
    }
  }
  return joined;
}

function thoughtKind(entry: JsonRecord): ThoughtKind {
  if (entry['thought'] !== true) return 'other';
  if (!isUnset(entry['text']) && typeof entry['text'] !== 'string') return 'other';
  for (const key of OTHER_KINDS) if (!isUnset(entry[key])) return 'other';
  const signature = entry['thoughtSignature'];
  if (isUnset(signature) || signature === '') return 'unsigned';
  if (typeof signature !== 'string') return 'other';
  const origin = decodeThoughtSignature(signature);
  const anotherFamily = origin.providerType !== '' && origin.providerType !== GEMINI_PROVIDER_TYPE;
  return anotherFamily && origin.signature !== '' && origin.redactedData === '' ? 'closing' : 'other';
}
