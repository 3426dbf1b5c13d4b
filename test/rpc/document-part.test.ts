// The canonical DocumentPart over the RPC surface: connect-node's CompletionService client sends one, the
// gateway decodes it, each family's fixture upstream receives it in its own wire format, and the request log
// keeps it (a key that logs bodies). A target that cannot read it is INVALID_ARGUMENT before any call, and a
// document outside a user turn or tool result is refused by the core's checks.
import { Code, ConnectError } from '@connectrpc/connect';
import type { MessageInitShape } from '@bufbuild/protobuf';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Role, type ChatRequestSchema } from '../../gen/llmgateway/v1/chat_pb.js';
import { keyClients, type KeyClients } from '../helpers/key-clients.js';
import { keyRows, startShimHarness, type ShimHarness } from '../http/shim-harness.js';
import { chatCount, lastUserContent, PDF_BASE64, PDF_DATA_URL, PDF_TEXT } from '../http/documents/document-fixtures.js';

let harness: ShimHarness;
let clients: KeyClients;
let keyId: string;

beforeAll(async () => {
  harness = await startShimHarness(['anthropic', 'openai', 'openai-compatible', 'gemini']);
  const created = (await harness.admin('KeysService/CreateKey', { name: 'documents', logRequestBodies: true })) as { key: { id: string }; secret: string };
  keyId = created.key.id;
  clients = keyClients(harness.gateway.url, created.secret);
});
afterAll(async () => harness?.close());

const pdf = new Uint8Array(Buffer.from(PDF_TEXT, 'latin1'));
const chat = (model: string, role = Role.USER): { chat: MessageInitShape<typeof ChatRequestSchema> } => ({
  chat: {
    model,
    messages: [
      ...(role === Role.USER ? [] : [{ role: Role.USER, content: [{ kind: { case: 'text' as const, value: { text: 'Hi' } } }] }]),
      {
        role,
        content: [
          { kind: { case: 'document', value: { source: { case: 'data', value: pdf }, mediaType: 'application/pdf', filename: 'q3.pdf', title: 'Q3' } } },
          { kind: { case: 'text', value: { text: 'Summarise.' } } },
        ],
      },
    ],
  },
});

describe('a DocumentPart over connect-node', () => {
  it('reaches an Anthropic upstream as a document block and an OpenAI upstream as a file part', async () => {
    const answer = await clients.rpc.complete(chat('anthropic/plain-text'));
    expect(answer.response?.choices[0]?.message?.content[0]?.kind).toMatchObject({ case: 'text', value: { text: 'Hello, world!' } });
    expect(lastUserContent(harness, 'anthropic')[0]).toEqual({
      type: 'document',
      source: { type: 'base64', media_type: 'application/pdf', data: PDF_BASE64 },
      title: 'Q3',
    });
    await clients.rpc.complete(chat('openai/plain-text'));
    expect(lastUserContent(harness, 'openai')[0]).toEqual({ type: 'file', file: { file_data: PDF_DATA_URL, filename: 'q3.pdf' } });
  });

  it('is kept in the request log of a key that logs bodies', async () => {
    const rows = await keyRows<{ requestBody?: string }>(harness, keyId, 1);
    const logged = JSON.parse(rows.find((row) => row.requestBody?.includes('"document"'))?.requestBody ?? '{}') as Record<string, unknown>;
    expect(JSON.stringify(logged)).toContain(`"mediaType":"application/pdf"`);
  });

  it('to an OpenAI-compatible host is INVALID_ARGUMENT naming the part, and nothing is sent', async () => {
    const before = chatCount(harness, 'openai-compatible');
    const error = await clients.rpc.complete(chat('openai-compatible/plain-text')).then(
      () => undefined,
      (thrown: unknown) => ConnectError.from(thrown),
    );
    expect(error?.code).toBe(Code.InvalidArgument);
    expect(error?.rawMessage).toMatch(/^chat\.messages\[0\]\.content\[0\]\.document: /);
    expect(chatCount(harness, 'openai-compatible')).toBe(before);
  });

  it('on an assistant turn is INVALID_ARGUMENT', async () => {
    const error = await clients.rpc.complete(chat('anthropic/plain-text', Role.ASSISTANT)).then(
      () => undefined,
      (thrown: unknown) => ConnectError.from(thrown),
    );
    expect(error?.code).toBe(Code.InvalidArgument);
    expect(error?.rawMessage).toContain('a document part is not allowed in a ASSISTANT message');
  });
});
