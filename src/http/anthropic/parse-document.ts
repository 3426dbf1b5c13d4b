// An Anthropic `document` block → a canonical DocumentPart
// (https://platform.claude.com/docs/en/build-with-claude/pdf-support,
// https://platform.claude.com/docs/en/build-with-claude/citations):
//   source base64 (a PDF: media_type application/pdf) → data;
//   source url (a PDF's URL, which the provider fetches) → url, application/pdf;
//   source text (media_type text/plain) → text;
//   title, context → title, context (the model reads both).
// `citations.enabled` asks for citations in the answer, which the canonical
// answer has no place for: it is not sent, and a warning says so. The custom
// `content` source and the Files API's `file` source are refused with a 400.
import { create } from '@bufbuild/protobuf';
import { DocumentPartSchema, type DocumentPart } from '../../../gen/llmgateway/v1/chat_pb.js';
import { MEDIA_TYPE } from '../../domain/document-content.js';
import { at, invalidValue, isUnset, oneOf, optionalBoolean, optionalString, readRecord, requiredString, type JsonRecord } from './request-error.js';

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** `ignored` collects the request's fields that were accepted without a canonical form (reported as warnings). */
export function parseDocument(block: JsonRecord, field: string, ignored: Set<string>): DocumentPart {
  const sourceField = at(field, 'source');
  const source = readRecord(block['source'], sourceField);
  const typeField = at(sourceField, 'type');
  const type = oneOf(requiredString(source['type'], typeField), typeField, ['base64', 'url', 'text', 'content', 'file']);
  const title = optionalString(block['title'], at(field, 'title')) ?? '';
  const documentContext = optionalString(block['context'], at(field, 'context')) ?? '';
  if (!isUnset(block['citations'])) {
    const citations = readRecord(block['citations'], at(field, 'citations'));
    if (optionalBoolean(citations['enabled'], at(field, 'citations.enabled')) === true) ignored.add('citations');
  }
  const document = create(DocumentPartSchema, { title, context: documentContext });
  switch (type) {
    case 'file':
      throw invalidValue(typeField, "'file' document sources (Files API) are not supported by this gateway; send base64 data, a url or text");
    case 'content':
      throw invalidValue(typeField, "'content' document sources (custom content) are not supported by this gateway; send base64 data, a url or text");
    case 'url': {
      const url = requiredString(source['url'], at(sourceField, 'url')).trim();
      if (!/^https?:\/\/\S+$/i.test(url)) throw invalidValue(at(sourceField, 'url'), 'Input should be an http(s) URL');
      // Anthropic's URL source is a PDF's.
      document.source = { case: 'url', value: url };
      document.mediaType = 'application/pdf';
      return document;
    }
    case 'text': {
      const mediaType = (optionalString(source['media_type'], at(sourceField, 'media_type')) ?? 'text/plain').toLowerCase();
      if (!mediaType.startsWith('text/')) throw invalidValue(at(sourceField, 'media_type'), `Input should be 'text/plain' (got '${mediaType}')`);
      document.source = { case: 'text', value: requiredString(source['data'], at(sourceField, 'data')) };
      document.mediaType = mediaType;
      return document;
    }
    default: {
      const mediaType = requiredString(source['media_type'], at(sourceField, 'media_type')).trim().toLowerCase();
      if (!MEDIA_TYPE.test(mediaType)) throw invalidValue(at(sourceField, 'media_type'), `Input should be a media type such as 'application/pdf' (got '${mediaType}')`);
      const data = requiredString(source['data'], at(sourceField, 'data')).replace(/\s+/g, '');
      if (data === '' || !BASE64.test(data)) throw invalidValue(at(sourceField, 'data'), 'Input should be valid base64 data');
      document.source = { case: 'data', value: new Uint8Array(Buffer.from(data, 'base64')) };
      document.mediaType = mediaType;
      return document;
    }
  }
}
