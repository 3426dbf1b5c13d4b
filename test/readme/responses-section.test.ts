// Executes the README's "OpenAI Responses API" blocks as written, in one bash,
// against a started gateway set up as the walkthrough leaves it (the provider
// `local` with `plain-text` on the example upstream, a virtual key in $KEY);
// every `# → text` line must appear in what its block printed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectBlocksPrinted, runShellBlocks, sectionBlocks, shellEnv, startWalkthroughGateway, type WalkthroughGateway } from '../helpers/readme-sections.js';

const SECTION = '### OpenAI Responses API';
const ADMIN = 'gw-admin-responses-section-0123456789';

const blocks = sectionBlocks(SECTION);
let walkthrough: WalkthroughGateway;
let key = '';

beforeAll(async () => {
  walkthrough = await startWalkthroughGateway(ADMIN);
  key = String((await walkthrough.admin('KeysService/CreateKey', { name: 'walkthrough', allowedModels: ['local/*'] }))['secret']);
});
afterAll(async () => {
  await walkthrough?.close();
});

describe('the README section "OpenAI Responses API"', () => {
  it('has a block that says what it prints', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(1);
    expect(blocks.flatMap((block) => block.expected).length).toBeGreaterThanOrEqual(6);
  });

  it('runs as written, each block printing what it says it prints', async () => {
    const { code, output, printedPerBlock } = await runShellBlocks(blocks, { env: shellEnv({ GW: walkthrough.gateway.url, KEY: key }), timeoutMs: 30_000 });
    expect(code, output).toBe(0);
    expectBlocksPrinted(blocks, printedPerBlock);
  }, 45_000);
});
