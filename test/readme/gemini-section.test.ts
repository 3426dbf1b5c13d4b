// Executes the README's "Gemini clients, OpenAI paths without /v1, every key
// header" `sh` block as written, in bash, against a started gateway with the
// provider `local` (`plain-text` on the example upstream) and a virtual key
// in $KEY; every `# → text` line must appear in what the block printed. The
// `js` block is checked for what it relies on: the client options it shows
// reach the gateway (test/http/gemini covers the calls themselves).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GoogleGenAI } from '@google/genai';
import { expectedLines, readmeSection, runShell, sectionBlocks, shellEnv, startWalkthroughGateway, type WalkthroughGateway } from '../helpers/readme-sections.js';

const SECTION = '### Gemini clients, OpenAI paths without `/v1`, every key header';
const ADMIN = 'gw-admin-gemini-section-0123456789abcdef';

const shBlocks = sectionBlocks(SECTION).map((block) => block.text);
const jsBlock = /```js\n([\s\S]*?)```/.exec(readmeSection(SECTION))?.[1] ?? '';
let walkthrough: WalkthroughGateway;
let key = '';

beforeAll(async () => {
  walkthrough = await startWalkthroughGateway(ADMIN);
  key = String((await walkthrough.admin('KeysService/CreateKey', { name: 'readme-gemini' }))['secret']);
});
afterAll(async () => {
  await walkthrough?.close();
});

describe('the README section on Gemini clients', () => {
  it('runs each command as written, each printing what its comment says', async () => {
    expect(shBlocks).toHaveLength(1);
    const commands = shBlocks[0]!.split(/\n\n/).filter((chunk) => /^curl/m.test(chunk));
    expect(commands).toHaveLength(5);
    for (const command of commands) {
      const expected = expectedLines(command);
      expect(expected).toHaveLength(1);
      const { code, output } = await runShell(command, { env: shellEnv({ PATH: process.env['PATH'] ?? '', GW: walkthrough.gateway.url, KEY: key }), timeoutMs: 30_000 });
      expect(code, output).toBe(0);
      expect(output, command).toContain(expected[0]);
    }
  }, 60_000);

  it('the client options the js example shows reach the gateway', async () => {
    expect(jsBlock).toContain("apiVersion: 'v1beta'");
    expect(jsBlock).toContain("httpOptions: { baseUrl: 'http://127.0.0.1:8080' }");
    const ai = new GoogleGenAI({ apiKey: key, apiVersion: 'v1beta', httpOptions: { baseUrl: walkthrough.gateway.url } });
    expect((await ai.models.generateContent({ model: 'local/plain-text', contents: 'Hi' })).text).toBe('Hello, world!');
    let streamed = '';
    for await (const chunk of await ai.models.generateContentStream({ model: 'local/plain-text', contents: 'Hi' })) streamed += chunk.text ?? '';
    expect(streamed).toBe('Hello, world!');
  });
});
