// A started gateway with one provider per OpenAI-compatible host dialect
// (provider id = dialect), each on its fixture (compatible-host-upstream.ts),
// and one virtual key's official clients.
import { adminCaller } from '../helpers/admin-call.js';
import { keyClients, type KeyClients } from '../helpers/key-clients.js';
import { startGateway, type StartedGateway } from '../helpers/start-gateway.js';
import { startCompatibleHostFixture, type CompatibleDialect, type CompatibleHostFixture } from '../fixtures/compatible-host-upstream.js';

export interface CompatibleHosts {
  gateway: StartedGateway;
  clients: KeyClients;
  fixture(dialect: CompatibleDialect): CompatibleHostFixture;
  /** The last chat request body the dialect's fixture received. */
  lastBody(dialect: CompatibleDialect): Record<string, unknown>;
  close(): Promise<void>;
}

/** DeepSeek's own model ids (the gateway knows DeepSeek by them behind any base URL); the others are local names. */
const MODELS: Record<CompatibleDialect, string[]> = {
  deepseek: ['deepseek-chat', 'deepseek-reasoner'],
  vllm: ['qwen3-reasoning', 'llama-no-ids'],
  groq: ['llama-3.3-70b-versatile', 'gpt-oss-reasoning'],
};

export async function startCompatibleHosts(): Promise<CompatibleHosts> {
  const gateway = await startGateway({ GATEWAY_LOG_LEVEL: 'info' });
  const fixtures = new Map<CompatibleDialect, CompatibleHostFixture>();
  const close = async () => {
    for (const fixture of fixtures.values()) await fixture.close();
    await gateway.close();
  };
  try {
    const admin = adminCaller(gateway.url, gateway.adminToken);
    for (const dialect of Object.keys(MODELS) as CompatibleDialect[]) {
      const fixture = await startCompatibleHostFixture(dialect);
      fixtures.set(dialect, fixture);
      await admin('ProvidersService/CreateProvider', {
        id: dialect,
        name: `Fixture ${dialect}`,
        type: 'PROVIDER_TYPE_OPENAI_COMPATIBLE',
        baseUrl: fixture.baseUrl,
        apiKey: fixture.apiKey,
        models: MODELS[dialect].map((upstreamModel) => ({ upstreamModel })),
      });
    }
    const secret = String((await admin('KeysService/CreateKey', { name: 'compatible-hosts' }))['secret']);
    const fixture = (dialect: CompatibleDialect): CompatibleHostFixture => {
      const found = fixtures.get(dialect);
      if (!found) throw new Error(`no ${dialect} fixture`);
      return found;
    };
    return {
      gateway,
      clients: keyClients(gateway.url, secret),
      fixture,
      lastBody(dialect) {
        const body = fixture(dialect).bodies().at(-1);
        if (!body) throw new Error(`the ${dialect} fixture received no chat request`);
        return body;
      },
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
