// An OpenAI `image_url` content part → a canonical ImagePart: data URLs become
// bytes + media type, http(s) URLs stay URLs.
import { create } from '@bufbuild/protobuf';
import { ImagePartSchema, type ImagePart } from '../../../gen/llmgateway/v1/chat_pb.js';
import { invalidValue, isRecord, optionalEnum, requiredString, invalidType } from './request-error.js';

const DATA_URL = /^data:([^;,]*)((?:;[^;,]*)*),(.*)$/s;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * `imageUrl` is the part's `image_url` value; `param` names it, e.g. `messages[0].content[1].image_url`;
 * `urlParam` names the URL as the client's API does (Chat Completions `….image_url.url`, Responses `….image_url`).
 */
export function parseImageUrl(imageUrl: unknown, param: string, urlParam = `${param}.url`): ImagePart {
  // Some clients send the URL as a bare string; accept that too.
  const record = typeof imageUrl === 'string' ? { url: imageUrl } : imageUrl;
  if (!isRecord(record)) throw invalidType(param, 'an object', imageUrl);
  const url = requiredString(record['url'], urlParam).trim();
  const detail = optionalEnum(record['detail'], `${param}.detail`, ['auto', 'low', 'high'] as const) ?? '';

  if (/^data:/i.test(url)) return create(ImagePartSchema, { ...decodeDataUrl(url, urlParam, 'image'), detail });
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw invalidValue(urlParam, 'expected an https URL or a data:image/…;base64 URL.');
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    throw invalidValue(urlParam, `the scheme '${parsed.protocol}' is not supported; use https or a data URL.`);
  }
  return create(ImagePartSchema, { source: { case: 'url', value: url }, detail });
}

/** A base64 `data:` URL → its bytes and media type; `accepts` 'image' wants an image/* type, 'any' any type (files). */
export function decodeDataUrl(url: string, param: string, accepts: 'image' | 'any'): { source: { case: 'data'; value: Uint8Array }; mediaType: string } {
  const match = DATA_URL.exec(url);
  if (!match) throw invalidValue(param, 'malformed data URL.');
  const mediaType = (match[1] ?? '').toLowerCase();
  const parameters = (match[2] ?? '').toLowerCase().split(';');
  if (accepts === 'image' && !/^image\/[a-z0-9.+-]+$/.test(mediaType)) {
    throw invalidValue(param, `a data URL must have an image media type (e.g. data:image/png;base64,…), got '${mediaType || 'none'}'.`);
  }
  if (accepts === 'any' && !/^[a-z0-9][a-z0-9!#$&^_.+-]*\/[a-z0-9][a-z0-9!#$&^_.+-]*$/.test(mediaType)) {
    throw invalidValue(param, `a data URL must name the file's media type (e.g. data:application/pdf;base64,…), got '${mediaType || 'none'}'.`);
  }
  if (!parameters.includes('base64')) throw invalidValue(param, 'a data URL must be base64-encoded (;base64,).');
  const payload = (match[3] ?? '').replace(/\s+/g, '');
  if (payload.length === 0 || !BASE64.test(payload)) throw invalidValue(param, 'the data URL does not hold valid base64 data.');
  // A file's charset (data:text/plain;charset=iso-8859-1;base64,…) says how its text is read: it stays on the type.
  const charset = accepts === 'any' && !mediaType.startsWith('image/') ? parameters.find((parameter) => /^charset=[a-z0-9!#$&^_.+-]+$/.test(parameter.trim())) : undefined;
  return { source: { case: 'data', value: new Uint8Array(Buffer.from(payload, 'base64')) }, mediaType: charset ? `${mediaType}; ${charset.trim()}` : mediaType };
}
