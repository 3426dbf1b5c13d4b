// The grpc-message trailer as the gRPC spec encodes it (PROTOCOL-HTTP2, "Percent-Encoded"): the
// message's UTF-8 bytes, each outside 0x20–0x7E, and '%', as %XX; every other byte as it is.
// connect-es encodes it with encodeURIComponent, which escapes ':' ' ' '(' too; grpc-js decodes it
// with decodeURI, which leaves %3A as it is, so its clients read "(HTTP 500)%3A fixture error".
// A spec decoder (connect-es's decodeURIComponent, grpc-go, grpc-java) reads either the same.
const PLAIN = /^[\x20-\x24\x26-\x7e]*$/;
const encoder = new TextEncoder();

export function grpcMessageValue(message: string): string {
  if (PLAIN.test(message)) return message;
  let encoded = '';
  for (const byte of encoder.encode(message)) {
    encoded += byte >= 0x20 && byte <= 0x7e && byte !== 0x25 ? String.fromCharCode(byte) : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return encoded;
}
