// Executes the README's "Console" block as written, in bash, against a started gateway serving the
// built console (npm run build); every `# → text` line must appear in what it printed.
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectBlocksPrinted, readmeSection, runShell, sectionBlocks, shellEnv } from '../helpers/readme-sections.js';
import { startGateway, type StartedGateway } from '../helpers/start-gateway.js';

const SECTION = '## Console';

const blocks = sectionBlocks(SECTION);
let gateway: StartedGateway;

beforeAll(async () => {
  if (!existsSync('dist/console/index.html')) throw new Error('dist/console/index.html is missing: run `npm run build` first');
  gateway = await startGateway();
});
afterAll(async () => {
  await gateway?.close();
});

describe('the README section "Console"', () => {
  it('shows a screenshot that exists', () => {
    const images = [...readmeSection(SECTION).matchAll(/!\[[^\]]*\]\((docs\/console\/[^)]+)\)/g)].map((match) => match[1]!);
    expect(images.length).toBeGreaterThanOrEqual(1);
    for (const image of images) expect(existsSync(image), image).toBe(true);
  });

  it('runs as written, printing what it says', async () => {
    expect(blocks.flatMap((block) => block.expected).length).toBeGreaterThanOrEqual(2);
    // Each block in a bash of its own.
    const printed: string[] = [];
    for (const block of blocks) {
      const { code, output } = await runShell(block.text, { env: shellEnv({ GW: gateway.url }), timeoutMs: 20_000 });
      expect(code, output).toBe(0);
      printed.push(output);
    }
    expectBlocksPrinted(blocks, printed);
  });
});
