// What a DocumentPart is, for every layer that reads one (providers choosing a
// wire form, prompt rules rewriting a text file, the token estimate): its form
// (a PDF, a text file, another file), its media type without parameters, and
// its text where it is one — decoded in the charset its media type names
// (`text/plain; charset=iso-8859-1`), else as UTF-8.
import type { DocumentPart } from '../../gen/llmgateway/v1/chat_pb.js';

export const PDF_MEDIA_TYPE = 'application/pdf';
export const TEXT_MEDIA_TYPE = 'text/plain';

/** A media type, with parameters or without: `application/pdf`, `text/plain; charset=iso-8859-1`. */
export const MEDIA_TYPE = /^[a-z0-9][a-z0-9!#$&^_.+-]*\/[a-z0-9][a-z0-9!#$&^_.+-]*(?:\s*;\s*[a-z0-9!#$&^_.+-]+=(?:[a-z0-9!#$&^_.+-]+|"[^"]*"))*\s*$/i;

/** `pdf`: application/pdf; `text`: a text source or text/* bytes; `other`: any other file (docx, csv as bytes of another type …). */
export type DocumentForm = 'pdf' | 'text' | 'other';

export function documentForm(document: DocumentPart): DocumentForm {
  if (document.source.case === 'text') return 'text';
  const mediaType = documentMediaType(document);
  if (mediaType === PDF_MEDIA_TYPE) return 'pdf';
  if (mediaType.startsWith('text/') && document.source.case === 'data') return 'text';
  return 'other';
}

/**
 * The media type's essence, lower-cased and without parameters (`text/plain; charset=utf-8` → `text/plain`): a
 * text source is text/plain when none was given, a URL ending in .pdf or bytes starting with `%PDF-` a PDF.
 */
export function documentMediaType(document: DocumentPart): string {
  const given = mediaTypeEssence(document.mediaType);
  if (given !== '') return given;
  if (document.source.case === 'text') return TEXT_MEDIA_TYPE;
  if (document.source.case === 'url' && /\.pdf$/i.test(urlPath(document.source.value))) return PDF_MEDIA_TYPE;
  if (document.source.case === 'data' && startsWithPdfMagic(document.source.value)) return PDF_MEDIA_TYPE;
  return '';
}

/** `Text/Plain; charset=UTF-8` → `text/plain`. */
export function mediaTypeEssence(mediaType: string): string {
  return mediaType.split(';')[0]!.trim().toLowerCase();
}

/** The document's text, for a text document (a text source, or text/* bytes in their charset); undefined otherwise. */
export function documentText(document: DocumentPart): string | undefined {
  if (document.source.case === 'text') return document.source.value;
  if (document.source.case !== 'data' || documentForm(document) !== 'text') return undefined;
  return decodeText(document.source.value, /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(document.mediaType)?.[1]);
}

/** Bytes in the named charset (any label the WHATWG Encoding Standard knows: latin1, windows-1252 …); UTF-8 when none or unknown. */
function decodeText(bytes: Uint8Array, charset: string | undefined): string {
  if (charset !== undefined) {
    try {
      return new TextDecoder(charset).decode(bytes);
    } catch {
      // An unknown label: read as UTF-8, as without one.
    }
  }
  return new TextDecoder('utf-8').decode(bytes);
}

function urlPath(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return url;
  }
}

function startsWithPdfMagic(bytes: Uint8Array): boolean {
  // "%PDF-"
  return bytes[0] === 0x25 && bytes[1] === 0x50 && bytes[2] === 0x44 && bytes[3] === 0x46 && bytes[4] === 0x2d;
}
