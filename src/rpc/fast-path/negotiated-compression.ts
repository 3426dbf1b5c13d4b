// connect-es's compressionNegotiate, remembered per pair of header values: a client sends the same
// encoding and accept-encoding on every call (connect-node's: `grpc-accept-encoding: gzip,br`), and
// splitting and matching that list was ~8 µs a call in a CPU profile of gRPC streams.
import { compressionNegotiate, type Compression } from '@connectrpc/connect/protocol';

export type Negotiation = ReturnType<typeof compressionNegotiate>;

/** Distinct header pairs remembered; past it the memory starts over (a client varying them gains nothing). */
const REMEMBERED = 64;

export function negotiatedCompression(compressions: Compression[], acceptEncodingHeader: string): (encoding: string | null, accepted: string | null) => Negotiation {
  const remembered = new Map<string, Negotiation>();
  return (encoding, accepted) => {
    const key = `${encoding ?? ''}\n${accepted ?? ''}`;
    const known = remembered.get(key);
    if (known) return known;
    const negotiation = compressionNegotiate(compressions, encoding, accepted, acceptEncodingHeader);
    // An unknown encoding is refused with an error of its own each time (a fresh stack), not remembered.
    if (negotiation.error) return negotiation;
    if (remembered.size >= REMEMBERED) remembered.clear();
    remembered.set(key, negotiation);
    return negotiation;
  };
}
