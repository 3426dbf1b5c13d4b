// Executes the README's "Scheduled health checks" blocks as written, in one
// bash, against a started gateway set up as the walkthrough leaves it (the
// provider `local` with `plain-text` on the example upstream, the route
// `smart`, the admin token in $ADMIN); every `# → text` line must appear in
// what its block printed. The blocks poll for the first run themselves.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectBlocksPrinted, runShellBlocks, sectionBlocks, shellEnv, startWalkthroughGateway, type WalkthroughGateway } from '../helpers/readme-sections.js';

const SECTION = '### Scheduled health checks';
const ADMIN = 'gw-admin-health-checks-section-0123456789';

const blocks = sectionBlocks(SECTION);
let walkthrough: WalkthroughGateway;

beforeAll(async () => {
  walkthrough = await startWalkthroughGateway(ADMIN);
  await walkthrough.admin('RoutesService/CreateRoute', {
    name: 'smart',
    strategy: 'ROUTE_STRATEGY_PRIORITY',
    targets: [{ providerId: 'local', upstreamModel: 'plain-text' }],
  });
});
afterAll(async () => {
  await walkthrough?.close();
});

describe('the README section "Scheduled health checks"', () => {
  it('has a block that says what it prints', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(1);
    expect(blocks.flatMap((block) => block.expected).length).toBeGreaterThanOrEqual(2);
  });

  it('runs as written, each block printing what it says it prints', async () => {
    const { code, output, printedPerBlock } = await runShellBlocks(blocks, {
      env: shellEnv({ GW: walkthrough.gateway.url, ADMIN }),
      // The blocks poll until a run is recorded: bound that here rather than hang the suite.
      timeoutMs: 30_000,
    });
    expect(code, output).toBe(0);
    expectBlocksPrinted(blocks, printedPerBlock);
    // The route's check ran too, through the route.
    const latest = await walkthrough.gateway.gateway.healthChecks.latest();
    expect(latest.map(({ check }) => check.name).sort()).toEqual(['local plain-text', 'smart route']);
  }, 45_000);
});
