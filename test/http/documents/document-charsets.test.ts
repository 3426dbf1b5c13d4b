// Media types with parameters (`text/plain; charset=iso-8859-1`) are taken alike on every surface — an OpenAI
// data URL, a Gemini inlineData mimeType, an RPC DocumentPart — and a text file is read in the charset its type
// names (else as UTF-8), so Claude gets the right text whichever charset the client sent it in.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Role } from '../../../gen/llmgateway/v1/chat_pb.js';
import { keyClients, type KeyClients } from '../../helpers/key-clients.js';
import { startShimHarness, type ShimHarness } from '../shim-harness.js';
import { lastUserContent } from './document-fixtures.js';

let harness: ShimHarness;
let clients: KeyClients;

beforeAll(async () => {
  harness = await startShimHarness(['anthropic', 'gemini']);
  clients = keyClients(harness.gateway.url, harness.secret);
});
afterAll(async () => harness?.close());

const latin1 = Buffer.from('h\xe9llo', 'latin1');
const utf8 = Buffer.from('héllo', 'utf8');
const claudeGot = () => lastUserContent(harness, 'anthropic')[0];
const textDocument = { type: 'document', source: { type: 'text', media_type: 'text/plain', data: 'héllo' } };

describe('media type parameters', () => {
  it('OpenAI data URL: charset=iso-8859-1 bytes reach Claude as the right text, UTF-8 ones too', async () => {
    for (const url of [`data:text/plain;charset=iso-8859-1;base64,${latin1.toString('base64')}`, `data:text/plain;charset=utf-8;base64,${utf8.toString('base64')}`]) {
      await clients.openai.chat.completions.create({ model: 'anthropic/plain-text', messages: [{ role: 'user', content: [{ type: 'file', file: { file_data: url } }] }] });
      expect(claudeGot()).toEqual(textDocument);
    }
  });

  it('Gemini inlineData: a mimeType with parameters is taken, and its charset read', async () => {
    for (const [mimeType, data] of [['text/plain; charset=utf-8', utf8], ['text/plain; charset=ISO-8859-1', latin1]] as const) {
      await clients.gemini.models.generateContent({ model: 'anthropic/plain-text', contents: [{ role: 'user', parts: [{ inlineData: { mimeType, data: data.toString('base64') } }] }] });
      expect(claudeGot()).toEqual(textDocument);
    }
    // To Gemini the text goes as UTF-8, under the type without its charset.
    await clients.gemini.models.generateContent({ model: 'gemini/plain-text', contents: [{ role: 'user', parts: [{ inlineData: { mimeType: 'text/plain; charset=iso-8859-1', data: latin1.toString('base64') } }] }] });
    expect(lastUserContent(harness, 'gemini')[0]).toEqual({ inlineData: { mimeType: 'text/plain', data: utf8.toString('base64') } });
  });

  it('RPC: a DocumentPart whose media type has a charset', async () => {
    await clients.rpc.complete({
      chat: {
        model: 'anthropic/plain-text',
        messages: [{ role: Role.USER, content: [{ kind: { case: 'document', value: { source: { case: 'data', value: new Uint8Array(latin1) }, mediaType: 'text/plain; charset="latin1"' } } }] }],
      },
    });
    expect(claudeGot()).toEqual(textDocument);
  });
});
