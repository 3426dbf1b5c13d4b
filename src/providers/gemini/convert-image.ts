// ImagePart → Gemini part: bytes and data: URLs become inlineData (bare
// base64), other URLs fileData{fileUri}. Gemini needs a mime type on both, so
// it comes from media_type, else the data URL, else the file extension.
import type { ImagePart } from '../../../gen/llmgateway/v1/chat_pb.js';
import { parseBase64DataUrl, sniffImageMediaType } from '../shared/image-data.js';
import { defaultApplied } from '../shared/warnings.js';
import type { WarningCollector } from '../shared/warning-collector.js';
import type { GeminiFileData, GeminiInlineData } from './wire-types.js';

const MIME_BY_EXTENSION: Record<string, string> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  webp: 'image/webp',
  gif: 'image/gif',
  heic: 'image/heic',
  heif: 'image/heif',
  bmp: 'image/bmp',
};
const FALLBACK_MIME = 'image/jpeg';

export type GeminiImage = { inlineData: GeminiInlineData } | { fileData: GeminiFileData };

export function guessMimeFromUrl(url: string): string | undefined {
  let path = url;
  try {
    path = new URL(url).pathname;
  } catch {
    // Not an absolute URL: use the text as is.
  }
  const extension = /\.([a-z0-9]+)$/i.exec(path)?.[1]?.toLowerCase();
  return extension === undefined ? undefined : MIME_BY_EXTENSION[extension];
}

export function convertImage(image: ImagePart, param: string, warnings: WarningCollector): GeminiImage | undefined {
  const fallback = (mime: string | undefined): string => {
    if (mime) return mime;
    warnings.add(defaultApplied(`${param}.media_type`, `image media type unknown; sent as ${FALLBACK_MIME}`));
    return FALLBACK_MIME;
  };
  const source = image.source;
  if (source.case === 'data') {
    const mimeType = fallback(image.mediaType || sniffImageMediaType(source.value));
    return { inlineData: { mimeType, data: Buffer.from(source.value).toString('base64') } };
  }
  if (source.case !== 'url' || source.value === '') return undefined;
  const url = source.value;
  const dataUrl = parseBase64DataUrl(url);
  if (dataUrl) return { inlineData: { mimeType: fallback(image.mediaType || dataUrl.mediaType), data: dataUrl.data } };
  return { fileData: { mimeType: fallback(image.mediaType || guessMimeFromUrl(url)), fileUri: url } };
}
