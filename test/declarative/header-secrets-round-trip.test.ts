// A provider's credential-like extra header through export and apply on a real gateway: the export
// writes a ${VARIABLE} reference, never the value; applying it with the variable set writes the value
// when it differs (compared by the marker the API shows), and without it keeps the stored value and warns.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProviderType } from '../../gen/llmgateway/v1/providers_service_pb.js';
import type { AdminClients } from '../../src/declarative/admin-clients.js';
import { applyPlan } from '../../src/declarative/apply-plan.js';
import { exportConfig } from '../../src/declarative/export-config.js';
import { planConfig } from '../../src/declarative/plan.js';
import { parseConfigText } from '../../src/declarative/read-config-file.js';
import { startGateway, type StartedGateway } from '../helpers/start-gateway.js';
import { connectAdminClients } from '../helpers/admin-clients.js';

const SECRET = 'hdr-SECRET-value-0123WXYZ';

let gateway: StartedGateway;
let clients: AdminClients;

beforeAll(async () => {
  gateway = await startGateway({ GATEWAY_ADMIN_TOKEN: 'gw-admin-header-round-trip-0123456789' });
  clients = connectAdminClients(gateway.url, gateway.adminToken);
});
afterAll(async () => {
  await gateway?.close();
});

const plan = (text: string, environment: NodeJS.ProcessEnv) => planConfig(parseConfigText(text, 'gateway.yaml'), clients, { environment });
const headersOf = async (id: string) => (await clients.providers.getProvider({ id })).provider?.extraHeaders;

describe('credential-like extra headers in gateway.yaml', () => {
  it('are exported as references and applied again from the environment, or kept when it lacks them', async () => {
    await clients.providers.createProvider({
      id: 'local',
      name: 'local',
      type: ProviderType.OPENAI_COMPATIBLE,
      baseUrl: 'http://127.0.0.1:9/v1',
      extraHeaders: { 'x-secret-header': SECRET, 'x-team': 'research' },
      models: [{ upstreamModel: 'plain-text' }],
    });
    const exported = await exportConfig(clients);
    expect(exported).not.toContain('hdr-SECRET');
    expect(exported).not.toContain('WXYZ');
    expect(exported).not.toContain('redacted');
    expect(exported).toMatch(/x-secret-header: \$\{LOCAL_X_SECRET_HEADER\}/);
    expect(exported).toContain('x-team: research');

    const unset = await plan(exported, {});
    expect(unset.steps).toEqual([]);
    expect(unset.warnings).toEqual([expect.stringContaining('providers[0].extra_headers.x-secret-header: ${LOCAL_X_SECRET_HEADER} is not set here; the value the gateway holds')]);
    expect(unset.warnings.join()).not.toContain('hdr-SECRET');

    expect((await plan(exported, { LOCAL_X_SECRET_HEADER: SECRET })).steps).toEqual([]);

    const rotated = await plan(exported, { LOCAL_X_SECRET_HEADER: 'rotated-header-value-5555' });
    expect(rotated.steps.map((step) => `${step.change.kind} ${step.change.name} ${step.change.fields.join(',')}`)).toEqual(['provider local extra_headers']);
    await applyPlan(rotated);
    expect(await headersOf('local')).toEqual({ 'x-secret-header': '[redacted \u20265555]', 'x-team': 'research' });

    // Another header changes while the reference is not set: the stored secret is kept.
    await applyPlan(await plan(exported.replace('x-team: research', 'x-team: platform'), {}));
    expect(await headersOf('local')).toEqual({ 'x-secret-header': '[redacted \u20265555]', 'x-team': 'platform' });
  });

  it('refuses a reference that is not set for a provider the gateway does not have yet', async () => {
    const text = 'providers:\n  - id: fresh\n    type: openai_compatible\n    base_url: http://127.0.0.1:9/v1\n    extra_headers: { x-auth-token: "${FRESH_TOKEN}" }\n';
    await expect(plan(text, {})).rejects.toThrow('providers[0].extra_headers.x-auth-token: ${FRESH_TOKEN} is not set, and the gateway holds no value for this header');
    await applyPlan(await plan(text, { FRESH_TOKEN: 'fresh-token-value-7777' }));
    expect(await headersOf('fresh')).toEqual({ 'x-auth-token': '[redacted \u20267777]' });
  });
});
