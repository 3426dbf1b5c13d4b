// The `/v1`-less mirror on a bare Fastify instance: a route registered after
// the hook (as a later surface would be) answers without its prefix, a
// top-level route sharing the segment is never shadowed, and other paths are
// left alone.
import Fastify, { type FastifyInstance } from 'fastify';
import { describe, expect, it } from 'vitest';
import { createUnprefixedPaths } from '../../src/server/unprefixed-paths.js';

async function appWith(register: (app: FastifyInstance) => void) {
  const unprefixed = createUnprefixedPaths();
  const app = Fastify({ rewriteUrl: (request) => unprefixed.rewriteUrl(request) });
  app.addHook('onRoute', (route) => unprefixed.onRoute(route));
  await app.register(async (plugin) => register(plugin));
  return app;
}

describe('unprefixed OpenAI paths', () => {
  it('mirrors every /v1 route, including ones registered later and with parameters', async () => {
    const app = await appWith((plugin) => {
      plugin.post('/v1/responses', async (request) => ({ route: 'responses', query: request.query }));
      plugin.get('/v1/models/*', async (request) => ({ id: (request.params as Record<string, string>)['*'] }));
    });
    const posted = await app.inject({ method: 'POST', url: '/responses?x=1', payload: {} });
    expect(posted.json()).toEqual({ route: 'responses', query: { x: '1' } });
    expect((await app.inject({ url: '/models/openai/gpt-4o' })).json()).toEqual({ id: 'openai/gpt-4o' });
    expect((await app.inject({ url: '/v1/models/a/b' })).json()).toEqual({ id: 'a/b' });
    expect((await app.inject({ url: '/unknown' })).statusCode).toBe(404);
  });

  it('never shadows a top-level route that shares the first segment', async () => {
    const app = await appWith((plugin) => {
      plugin.get('/v1/health/x', async () => 'mirrored');
      plugin.get('/health', async () => 'top-level');
    });
    expect((await app.inject({ url: '/health' })).body).toBe('top-level');
    expect((await app.inject({ url: '/health/x' })).statusCode).toBe(404);
  });
});
