// What the legacy import tests start: the two upstreams the old provider reached (both accept the one
// key it held for every protocol), a fresh MariaDB database seeded with the old gateway's schema and
// rows, and a built gateway for the CLI — and how they all stop.
import { startAnthropicFixture } from '../fixtures/anthropic-upstream.js';
import type { FixtureUpstream } from '../fixtures/fixture-upstream.js';
import { startOpenAIFixture } from '../fixtures/openai-upstream.js';
import { startGatewayForCli, type RunningGateway } from '../helpers/cli-process.js';
import { createFreshMysqlDatabase, type FreshMysqlDatabase } from '../setup/mariadb.js';
import { seedLegacyDatabase, type LegacyUpstreams } from './legacy-database-fixture.js';

/** The old provider's one key, accepted by both upstreams. */
export const ACME_KEY = 'sk-FAKE-acme-upstream-key-0001';

export interface LegacyScene {
  compatible: FixtureUpstream;
  anthropicUpstream: FixtureUpstream;
  upstreams: LegacyUpstreams;
  database: FreshMysqlDatabase;
  gateway: RunningGateway;
  close(): Promise<void>;
}

export async function startLegacyScene(serverUrl: string): Promise<LegacyScene> {
  const started: Array<() => Promise<unknown>> = [];
  const close = async () => {
    for (const stop of started.splice(0).reverse()) await stop();
  };
  try {
    const compatible = await startOpenAIFixture({ family: 'openai-compatible', apiKey: ACME_KEY });
    started.push(() => compatible.close());
    const anthropicUpstream = await startAnthropicFixture({ apiKey: ACME_KEY });
    started.push(() => anthropicUpstream.close());
    const upstreams: LegacyUpstreams = {
      compatible: { baseUrl: compatible.baseUrl, apiKey: ACME_KEY },
      anthropic: { baseUrl: anthropicUpstream.baseUrl, apiKey: ACME_KEY },
    };
    const database = await createFreshMysqlDatabase(serverUrl);
    started.push(() => database.drop());
    await seedLegacyDatabase(database.url, upstreams);
    const gateway = await startGatewayForCli();
    started.push(() => gateway.stop());
    return { compatible, anthropicUpstream, upstreams, database, gateway, close };
  } catch (error) {
    // What did start must not outlive a failed start.
    await close();
    throw error;
  }
}
