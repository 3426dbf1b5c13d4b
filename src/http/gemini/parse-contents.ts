// Gemini `systemInstruction` + `contents` → canonical Messages.
// - systemInstruction (a Content, or a plain string) → one leading SYSTEM message;
// - role `user` (or none, or the older `function`) → USER, `model` → ASSISTANT;
// - text parts (a `thoughtSignature` kept on the part), `thought: true` parts →
//   reasoning (its origin read from the signature, thought-signature.ts),
//   inlineData / fileData images (image/*) and documents (any other type: PDF,
//   text …), functionCall → tool call (its signature on
//   the call), functionResponse → tool result inside the user turn (its
//   response object as JSON text, and as the object itself: `structured`;
//   its `parts`, inlineData / fileData files, as images and documents after
//   that text);
// - a streamed block of another family's reasoning, sent back as the thought
//   parts it was streamed in, is one reasoning part again (thought-runs.ts): it
//   stands where its signed part stood;
// - consecutive contents of one role are one turn, one canonical message:
//   @google/genai's chat keeps a model content per streamed chunk, and hosts
//   refuse two assistant messages in a row (deepseek-reasoner) or lose the
//   reasoning that belongs with a call. Parts keep their order and signatures;
//   a model text piece that ends one chunk and one that starts the next are one
//   text again (Gemini's own `text` joins the pieces without a separator).
// Gemini's function calls need not carry ids: one is minted per call without
// one, and a functionResponse without an id answers the earliest unanswered
// call of the same name (Gemini's own pairing rule).
import { create, type JsonObject, type JsonValue, type MessageInitShape } from '@bufbuild/protobuf';
import { ContentPartSchema, MessageSchema, Role, type ContentPart, type Message, type TextPart } from '../../../gen/llmgateway/v1/chat_pb.js';
import { MEDIA_TYPE, mediaTypeEssence } from '../../domain/document-content.js';
import { isEmptyPart } from './empty-part.js';
import { decodeThoughtSignature } from './thought-signature.js';
import { joinedThoughtParts } from './thought-runs.js';
import { at, invalidType, invalidValue, isUnset, optionalBoolean, optionalString, readList, readRecord, requiredString, structValue, type JsonRecord } from './request-error.js';

const part = (kind: MessageInitShape<typeof ContentPartSchema>['kind']): ContentPart => create(ContentPartSchema, { kind });

/** Pairs function calls and responses across the conversation. */
class CallIds {
  #minted = 0;
  readonly #open = new Map<string, string[]>();

  call(id: string | undefined, name: string): string {
    const callId = id || `call_${this.#minted++}_gemini`;
    this.#open.set(name, [...(this.#open.get(name) ?? []), callId]);
    return callId;
  }

  response(id: string | undefined, name: string): string {
    const open = this.#open.get(name) ?? [];
    if (id) {
      this.#open.set(name, open.filter((candidate) => candidate !== id));
      return id;
    }
    const earliest = open.shift();
    return earliest ?? `call_${this.#minted++}_gemini`;
  }
}

export function parseContents(systemInstruction: unknown, contents: unknown, field = 'contents'): Message[] {
  const messages: Message[] = [];
  const system = parseSystem(systemInstruction);
  if (system.length > 0) messages.push(create(MessageSchema, { role: Role.SYSTEM, content: system }));
  const list = readList(contents, field);
  if (list.length === 0) throw invalidValue(field, 'contents must not be empty');
  const ids = new CallIds();
  const joined = joinedThoughtParts(list);
  let joinedText = '';
  // Loops, not forEach/map/filter callbacks: see docs/performance.md, "Closures made per request".
  for (let index = 0; index < list.length; index += 1) {
    const where = at(field, index);
    const content = readRecord(list[index], where);
    const role = optionalString(content['role'], at(where, 'role')) ?? 'user';
    if (role !== 'user' && role !== 'model' && role !== 'function') {
      throw invalidValue(at(where, 'role'), `"${role}" is not a valid role; use "user" or "model"`);
    }
    const rawParts = readList(content['parts'], at(where, 'parts'));
    const parts: ContentPart[] = [];
    for (let position = 0; position < rawParts.length; position += 1) {
      const partField = at(at(where, 'parts'), position);
      const parsed = parsePart(readRecord(rawParts[position], partField), partField, role === 'model', ids);
      if (parsed === undefined) continue;
      if (parsed.kind.case === 'reasoning') {
        // A run's parts go into the part that closes it, the next reasoning part (thought-runs.ts).
        if (joined.has(rawParts[position])) {
          joinedText += parsed.kind.value.text;
          continue;
        }
        parsed.kind.value.text = joinedText + parsed.kind.value.text;
        joinedText = '';
      }
      parts.push(parsed);
    }
    const turnRole = role === 'model' ? Role.ASSISTANT : Role.USER;
    const previous = messages.at(-1);
    if (previous?.role === turnRole) continueTurn(previous.content, parts, turnRole === Role.ASSISTANT);
    else messages.push(create(MessageSchema, { role: turnRole, content: parts }));
  }
  return messages;
}

/** A content of the same role as the turn before it: its parts continue that turn. */
function continueTurn(turn: ContentPart[], parts: ContentPart[], streamedPieces: boolean): void {
  const last = streamedPieces ? unsignedText(turn.at(-1)) : undefined;
  const first = last ? unsignedText(parts[0]) : undefined;
  if (last && first) {
    last.text += first.text;
    parts = parts.slice(1);
  }
  turn.push(...parts);
}

function unsignedText(part: ContentPart | undefined): TextPart | undefined {
  const kind = part?.kind;
  return kind?.case === 'text' && kind.value.signature === '' && !kind.value.refusal ? kind.value : undefined;
}

function parseSystem(value: unknown): ContentPart[] {
  if (isUnset(value)) return [];
  if (typeof value === 'string') return value === '' ? [] : [part({ case: 'text', value: { text: value } })];
  const content = readRecord(value, 'systemInstruction');
  return readList(content['parts'], 'systemInstruction.parts').map((raw, index) => {
    const where = `systemInstruction.parts[${index}]`;
    const entry = readRecord(raw, where);
    return part({ case: 'text', value: { text: requiredString(entry['text'], at(where, 'text')) } });
  });
}

function parsePart(entry: JsonRecord, where: string, fromModel: boolean, ids: CallIds): ContentPart | undefined {
  if (isEmptyPart(entry)) return undefined;
  const signature = optionalString(entry['thoughtSignature'], at(where, 'thoughtSignature')) ?? '';
  if (!isUnset(entry['functionCall'])) {
    if (!fromModel) throw invalidValue(at(where, 'functionCall'), 'a functionCall belongs in a "model" turn');
    const call = readRecord(entry['functionCall'], at(where, 'functionCall'));
    const name = requiredString(call['name'], at(where, 'functionCall.name'));
    const args = isUnset(call['args']) ? {} : readRecord(call['args'], at(where, 'functionCall.args'));
    const id = ids.call(optionalString(call['id'], at(where, 'functionCall.id')), name);
    return part({ case: 'toolCall', value: { id, name, argumentsJson: JSON.stringify(args), signature } });
  }
  if (!isUnset(entry['functionResponse'])) {
    if (fromModel) throw invalidValue(at(where, 'functionResponse'), 'a functionResponse belongs in a "user" turn');
    const response = readRecord(entry['functionResponse'], at(where, 'functionResponse'));
    const name = requiredString(response['name'], at(where, 'functionResponse.name'));
    const body = isUnset(response['response']) ? {} : readRecord(response['response'], at(where, 'functionResponse.response'));
    const toolCallId = ids.response(optionalString(response['id'], at(where, 'functionResponse.id')), name);
    const { text, isError, unwrapped } = resultText(body);
    // The object itself too, for a Gemini upstream (it takes objects, others text): it reaches Gemini as sent.
    const structured = unwrapped ? undefined : (structValue(body, at(where, 'functionResponse.response')) as JsonObject);
    const content = [part({ case: 'text', value: { text } }), ...responseFiles(response['parts'], at(where, 'functionResponse.parts'))];
    return part({ case: 'toolResult', value: { toolCallId, name, isError, content, structured } });
  }
  if (!isUnset(entry['inlineData'])) return mediaPart(readRecord(entry['inlineData'], at(where, 'inlineData')), at(where, 'inlineData'), 'data');
  if (!isUnset(entry['fileData'])) return mediaPart(readRecord(entry['fileData'], at(where, 'fileData')), at(where, 'fileData'), 'fileUri');
  const text = entry['text'];
  if (!isUnset(text) && typeof text !== 'string') throw invalidType(at(where, 'text'), 'a string', text);
  if (optionalBoolean(entry['thought'], at(where, 'thought')) === true) {
    const origin = decodeThoughtSignature(signature);
    return part({ case: 'reasoning', value: { text: text ?? '', ...origin } });
  }
  if (typeof text === 'string' || signature !== '') return part({ case: 'text', value: { text: text ?? '', signature: fromModel ? signature : '' } });
  const kinds = Object.keys(entry).filter((key) => !isUnset(entry[key]) && key !== 'thoughtSignature' && key !== 'thought');
  throw invalidValue(where, `${kinds.join(', ')} parts are not supported by this gateway; send text, inlineData or fileData (images, documents), functionCall or functionResponse`);
}

/** `{content: "…"}` and `{error: "…"}` (what the gateway's Gemini adapter sends) unwrap to their text; any other object is sent as JSON. */
function resultText(body: JsonRecord): { text: string; isError: boolean; unwrapped: boolean } {
  const keys = Object.keys(body);
  if (keys.length === 1 && typeof body['content'] === 'string') return { text: body['content'], isError: false, unwrapped: true };
  if (keys.length === 1 && typeof body['error'] === 'string') return { text: body['error'], isError: true, unwrapped: true };
  return { text: JSON.stringify(body as JsonValue), isError: false, unwrapped: false };
}

/** functionResponse.parts (FunctionResponsePart: inlineData or fileData only) → image and document parts. */
function responseFiles(value: unknown, where: string): ContentPart[] {
  if (isUnset(value)) return [];
  const list = readList(value, where);
  const files: ContentPart[] = [];
  for (let index = 0; index < list.length; index += 1) {
    const partField = at(where, index);
    const entry = readRecord(list[index], partField);
    if (!isUnset(entry['inlineData'])) files.push(mediaPart(readRecord(entry['inlineData'], at(partField, 'inlineData')), at(partField, 'inlineData'), 'data'));
    else if (!isUnset(entry['fileData'])) files.push(mediaPart(readRecord(entry['fileData'], at(partField, 'fileData')), at(partField, 'fileData'), 'fileUri'));
    else throw invalidValue(partField, 'a function response part carries inlineData or fileData (a file the tool returned)');
  }
  return files;
}

/** An image (image/*) → ImagePart; any other file (a PDF, a text file) → DocumentPart, which each family reads or refuses. */
function mediaPart(source: JsonRecord, where: string, field: 'data' | 'fileUri'): ContentPart {
  const given = requiredString(source['mimeType'], at(where, 'mimeType')).trim();
  // Parameters (`text/plain; charset=utf-8`) are kept on a document: its charset is how its text is read.
  if (!MEDIA_TYPE.test(given)) throw invalidValue(at(where, 'mimeType'), `"${given}" is not a media type such as "application/pdf"`);
  const essence = mediaTypeEssence(given);
  const value = requiredString(source[field], at(where, field));
  if (field === 'data' && !/^[A-Za-z0-9+/_-]*={0,2}$/.test(value)) throw invalidValue(at(where, 'data'), 'not valid base64');
  const from = field === 'fileUri' ? ({ case: 'url', value } as const) : ({ case: 'data', value: Buffer.from(value, 'base64') } as const);
  if (essence.startsWith('image/')) return part({ case: 'image', value: { source: from, mediaType: essence } });
  const mediaType = given === essence ? essence : `${essence}${given.slice(given.indexOf(';'))}`;
  // displayName (a file's name; Vertex AI) is the document's file name, a title where the family has no file name.
  const filename = optionalString(source['displayName'], at(where, 'displayName')) ?? '';
  return part({ case: 'document', value: { source: from, mediaType, filename } });
}

