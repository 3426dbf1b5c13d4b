// A bare HTTP/2 client made of frames, for what node:http2 will not do: send
// requests without waiting for the server's SETTINGS, so that the server, not
// a well-behaved client, has to enforce its stream limit. Headers are HPACK
// literals without indexing (no dynamic table, no Huffman): enough to speak to
// a real server, simple enough to read.
import net from 'node:net';

export const FRAME = { DATA: 0x0, HEADERS: 0x1, RST_STREAM: 0x3, SETTINGS: 0x4, PING: 0x6, GOAWAY: 0x7, WINDOW_UPDATE: 0x8 } as const;
const FLAG = { END_STREAM: 0x1, END_HEADERS: 0x4 } as const;
export const ERROR = { PROTOCOL_ERROR: 0x1, REFUSED_STREAM: 0x7 } as const;

const PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1');

export interface Frame {
  type: number;
  flags: number;
  streamId: number;
  payload: Buffer;
}

export function frame(type: number, flags: number, streamId: number, payload: Buffer = Buffer.alloc(0)): Buffer {
  const header = Buffer.alloc(9);
  header.writeUIntBE(payload.length, 0, 3);
  header[3] = type;
  header[4] = flags;
  header.writeUInt32BE(streamId & 0x7fffffff, 5);
  return Buffer.concat([header, payload]);
}

/** An HPACK integer with a 7-bit prefix (RFC 7541 §5.1), as string lengths are sent. */
function lengthPrefix(length: number): Buffer {
  if (length < 127) return Buffer.of(length);
  const bytes = [127];
  let rest = length - 127;
  while (rest >= 128) {
    bytes.push((rest % 128) + 128);
    rest = Math.floor(rest / 128);
  }
  bytes.push(rest);
  return Buffer.from(bytes);
}

const literal = (text: string): Buffer => Buffer.concat([lengthPrefix(Buffer.byteLength(text)), Buffer.from(text)]);

/** One HEADERS frame (END_HEADERS): each field a "literal without indexing, new name" (0x00). */
export function headersFrame(streamId: number, fields: Array<[string, string]>, endStream: boolean): Buffer {
  const block = Buffer.concat(fields.map(([name, value]) => Buffer.concat([Buffer.of(0x00), literal(name), literal(value)])));
  return frame(FRAME.HEADERS, FLAG.END_HEADERS | (endStream ? FLAG.END_STREAM : 0), streamId, block);
}

export function dataFrame(streamId: number, body: string, endStream: boolean): Buffer {
  return frame(FRAME.DATA, endStream ? FLAG.END_STREAM : 0, streamId, Buffer.from(body));
}

export interface RawH2Connection {
  /** Every frame received so far, in order. */
  frames: Frame[];
  /** Writes the bytes in one write. */
  send(bytes: Buffer): void;
  close(): void;
}

/** Connects and sends the client preface and an empty SETTINGS; the server's SETTINGS is never acknowledged. */
export async function connectRaw(port: number): Promise<RawH2Connection> {
  const socket = net.connect(port, '127.0.0.1');
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  socket.on('error', () => undefined); // the server may reset the connection; the frames tell the story
  const frames: Frame[] = [];
  let pending = Buffer.alloc(0);
  socket.on('data', (chunk: Buffer) => {
    pending = Buffer.concat([pending, chunk]);
    while (pending.length >= 9) {
      const length = pending.readUIntBE(0, 3);
      if (pending.length < 9 + length) break;
      frames.push({ type: pending[3]!, flags: pending[4]!, streamId: pending.readUInt32BE(5) & 0x7fffffff, payload: pending.subarray(9, 9 + length) });
      pending = pending.subarray(9 + length);
    }
  });
  socket.write(Buffer.concat([PREFACE, frame(FRAME.SETTINGS, 0, 0)]));
  return {
    frames,
    send: (bytes) => socket.write(bytes),
    close: () => socket.destroy(),
  };
}

/** The error code of a RST_STREAM or GOAWAY frame. */
export function errorCodeOf(received: Frame): number {
  return received.type === FRAME.GOAWAY ? received.payload.readUInt32BE(4) : received.payload.readUInt32BE(0);
}
