// Executes the README's "Upstream quotas" block as written, in one bash,
// against a started gateway set up as the walkthrough leaves it (the provider
// `local` with `plain-text` on the example upstream, the admin token in $ADMIN,
// a virtual key in $KEY); every `# → text` line must appear in what it printed,
// and the refused request must carry a retry-after in seconds.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runShell, sectionBlocks, shellEnv, startWalkthroughGateway, type WalkthroughGateway } from '../helpers/readme-sections.js';

const SECTION = '### Upstream quotas';
const ADMIN = 'gw-admin-upstream-quotas-section-0123456789';

const blocks = sectionBlocks(SECTION);
let walkthrough: WalkthroughGateway;
let key: string;

beforeAll(async () => {
  walkthrough = await startWalkthroughGateway(ADMIN);
  key = String((await walkthrough.admin('KeysService/CreateKey', { name: 'walkthrough' }))['secret']);
});
afterAll(async () => {
  await walkthrough?.close();
});

describe('the README section "Upstream quotas"', () => {
  it('has a block that says what it prints', () => {
    expect(blocks).toHaveLength(1);
    expect(blocks[0]!.expected).toEqual(['200', '429', 'local: 2 of 2 requests this minute']);
  });

  it('runs as written: two answered, the third refused with retry-after, the window reported', async () => {
    const { code, output } = await runShell(blocks[0]!.text, { env: shellEnv({ GW: walkthrough.gateway.url, ADMIN, KEY: key }), timeoutMs: 30_000 });
    expect(code, output).toBe(0);
    const lines = output.trim().split('\n');
    expect(lines.slice(0, 3).map((line) => line.split(' ')[0])).toEqual(['200', '200', '429']);
    expect(Number(lines[2]!.split(' ')[1])).toBeGreaterThanOrEqual(1);
    for (const expected of blocks[0]!.expected) expect(output).toContain(expected);
  });
});
