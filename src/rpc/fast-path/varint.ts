// Protobuf's base-128 varints (https://protobuf.dev/programming-guides/encoding/#varints), for the
// few message bytes the fast path writes itself: seven bits per byte, least significant first, the
// high bit set on every byte but the last. Non-negative values up to 2^53.

export function varintLength(value: number): number {
  let length = 1;
  while (value >= 0x80) {
    value = Math.floor(value / 0x80);
    length += 1;
  }
  return length;
}

/** Writes `value` at `position`; returns the position after it. */
export function writeVarint(bytes: Uint8Array, position: number, value: number): number {
  while (value >= 0x80) {
    bytes[position++] = (value % 0x80) | 0x80;
    value = Math.floor(value / 0x80);
  }
  bytes[position++] = value;
  return position;
}
