// Inline image data as the families need it: the media type of raw bytes sent
// without one, and the parts of a base64 `data:` URL.

/** The common image formats, recognised by their first bytes; undefined for anything else. */
export function sniffImageMediaType(bytes: Uint8Array): string | undefined {
  const startsWith = (signature: number[], offset = 0) => signature.every((byte, index) => bytes[offset + index] === byte);
  if (startsWith([0x89, 0x50, 0x4e, 0x47])) return 'image/png';
  if (startsWith([0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (startsWith([0x47, 0x49, 0x46, 0x38])) return 'image/gif';
  // "RIFF" … "WEBP"
  if (startsWith([0x52, 0x49, 0x46, 0x46]) && startsWith([0x57, 0x45, 0x42, 0x50], 8)) return 'image/webp';
  return undefined;
}

export interface Base64DataUrl {
  /** undefined for `data:;base64,…` */
  mediaType: string | undefined;
  /** The base64 text, unchanged. */
  data: string;
}

/** `data:image/png;base64,AAAA` → its parts; undefined for any other URL (a data URL without base64 included). */
export function parseBase64DataUrl(url: string): Base64DataUrl | undefined {
  const match = /^data:([^;,]+)?(?:;[^,]*)?;base64,(.*)$/s.exec(url);
  return match === null ? undefined : { mediaType: match[1], data: match[2] ?? '' };
}
