// How many pages a PDF has, for the local token estimate (document-tokens.ts), read from its bytes without a
// PDF library. The largest of:
// - the page objects (`/Type /Page`), one per page where they are written in the clear;
// - the page tree's `/Count` (the `/Type /Pages` dictionaries; the root's is the total, so the largest), in
//   the clear or inside a FlateDecode object stream (`/Type /ObjStm`, PDF 1.5+), where most writers put the
//   page objects and the tree: such a file shows no page object at all (ISO 32000-1 §7.5.7, §7.7.3.2);
// and only when neither is visible (another filter, encryption), the size: one page per BYTES_PER_PDF_PAGE,
// the low end of a compressed text page, so the estimate errs high rather than letting a long PDF through a
// budget or tokens-per-minute check as one page. At least one.
import { inflateSync } from 'node:zlib';

export const BYTES_PER_PDF_PAGE = 3000;
// `/Type /Page` and not `/Type /Pages` (the page tree).
const PAGE_OBJECT = /\/Type\s*\/Page(?![a-zA-Z])/g;
const PAGES_NODE = /\/Type\s*\/Pages(?![a-zA-Z])/g;
const OBJECT_STREAM = /\/Type\s*\/ObjStm(?![a-zA-Z])/g;
// Object streams hold dictionaries, not content: a bounded inflate reads them and refuses a decompression bomb.
const MAX_INFLATED_BYTES = 4 * 1024 * 1024;
const MAX_OBJECT_STREAMS = 64;
// How far a dictionary is looked for around a `/Type /Pages` (a page tree node is short).
const MAX_DICTIONARY_SCAN = 64 * 1024;

export function pdfPageCount(bytes: Uint8Array): number {
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
  let pages = Math.max(text.match(PAGE_OBJECT)?.length ?? 0, largestTreeCount(text));
  let budget = MAX_INFLATED_BYTES;
  let streams = 0;
  for (const match of text.matchAll(OBJECT_STREAM)) {
    if (streams++ >= MAX_OBJECT_STREAMS || budget <= 0) break;
    const inflated = inflateObjectStream(text, match.index, budget);
    if (inflated === undefined) continue;
    budget -= inflated.length;
    pages = Math.max(pages, inflated.match(PAGE_OBJECT)?.length ?? 0, largestTreeCount(inflated));
  }
  if (pages === 0) pages = Math.ceil(bytes.byteLength / BYTES_PER_PDF_PAGE);
  return Math.max(1, pages);
}

/** The largest `/Count` of the `/Type /Pages` dictionaries in the text (0 when none). */
function largestTreeCount(text: string): number {
  let largest = 0;
  for (const match of text.matchAll(PAGES_NODE)) {
    const count = dictionaryCount(text, match.index);
    if (count !== undefined && count > largest) largest = count;
  }
  return largest;
}

/** The `/Count` at the top level of the dictionary around `at`; undefined when there is none. */
function dictionaryCount(text: string, at: number): number | undefined {
  // Back to the `<<` that opens the dictionary holding `at`, over nested ones.
  let depth = 0;
  let start = -1;
  for (let index = at - 1; index > 0 && at - index < MAX_DICTIONARY_SCAN; index -= 1) {
    const pair = text.slice(index - 1, index + 1);
    if (pair === '>>') [depth, index] = [depth + 1, index - 1];
    else if (pair === '<<') {
      if (depth === 0) {
        start = index + 1;
        break;
      }
      [depth, index] = [depth - 1, index - 1];
    }
  }
  if (start < 0) return undefined;
  // Forward to its end, reading `/Count N` only at its own level.
  depth = 0;
  for (let index = start; index < text.length - 1 && index - start < MAX_DICTIONARY_SCAN; index += 1) {
    const pair = text.slice(index, index + 2);
    if (pair === '<<') [depth, index] = [depth + 1, index + 1];
    else if (pair === '>>') {
      if (depth === 0) return undefined;
      [depth, index] = [depth - 1, index + 1];
    } else if (depth === 0 && text.startsWith('/Count', index)) {
      const count = /^\/Count\s+(\d+)/.exec(text.slice(index, index + 24))?.[1];
      if (count !== undefined) return Number(count);
    }
  }
  return undefined;
}

/** The decompressed content of the object stream whose dictionary holds `at`, when it is FlateDecode and fits the budget. */
function inflateObjectStream(text: string, at: number, budget: number): string | undefined {
  const streamKeyword = text.indexOf('stream', at);
  const dictionaryEnd = text.lastIndexOf('>>', streamKeyword);
  if (streamKeyword < 0 || !/\/FlateDecode/.test(text.slice(at, dictionaryEnd)) || /\/DecodeParms/.test(text.slice(at, dictionaryEnd))) return undefined;
  let dataStart = streamKeyword + 'stream'.length;
  if (text[dataStart] === '\r') dataStart += 1;
  if (text[dataStart] === '\n') dataStart += 1;
  const dataEnd = text.indexOf('endstream', dataStart);
  if (dataEnd < 0) return undefined;
  try {
    const data = Buffer.from(text.slice(dataStart, dataEnd), 'latin1');
    return inflateSync(data, { maxOutputLength: budget }).toString('latin1');
  } catch {
    // Not a whole deflate stream, or over the budget: this stream tells nothing.
    return undefined;
  }
}
