// A database that hangs instead of refusing (README "Database outages"): a key this process has read
// is answered from its last known state "meanwhile". The first request whose key is due for a re-read
// waits for that read up to 1 s; once it is that late, the requests after it are answered from the
// key's last known state at once, for as long as the hang lasts. Before, the hung read stayed shared
// and every request of the key waited the full 1 s again, so a hang made every request a second slower
// without ever failing one. The gateway's MariaDB is reached through a TCP proxy that freezes; the
// hang is released at a fixed point, and the requests sent one after another must all have been
// answered while it still held.
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, inject, it, test } from 'vitest';
import { startFreezableTcpProxy, type FreezableTcpProxy } from '../fixtures/freezable-tcp-proxy.js';
import { startShimHarness, type ShimHarness } from '../http/shim-harness.js';
import { createFreshMysqlDatabase, type FreshMysqlDatabase } from '../setup/mariadb.js';

const serverUrl = inject('mysqlServerUrl');
/** How long the database hangs: many times what the requests below need once they no longer wait. */
const HANG_MS = 8_000;
/** Requests sent one after another while it hangs: waiting 1 s each, they would outlast the hang. */
const SEQUENTIAL = 20;

if (serverUrl === null) {
  test.skip(`MySQL tier NOT RUN: ${inject('mysqlUnavailableReason') ?? 'no server'}`, () => {});
} else {
  describe('a database that hangs, for a key this process has read', () => {
    let database: FreshMysqlDatabase;
    let proxy: FreezableTcpProxy;
    let harness: ShimHarness;

    beforeAll(async () => {
      database = await createFreshMysqlDatabase(serverUrl);
      const target = new URL(database.url);
      proxy = await startFreezableTcpProxy(target.hostname, Number(target.port || 3306));
      const proxied = new URL(database.url);
      proxied.port = String(proxy.port);
      harness = await startShimHarness(['openai'], {
        DATABASE_URL: proxied.toString(),
        GATEWAY_MASTER_KEY: Buffer.alloc(32, 7).toString('base64'),
        GATEWAY_ADMIN_TOKEN: 'hang-known-admin-token-0123456789abcdef',
        // Short, so the key is due for a re-read when the hang begins.
        GATEWAY_KEY_CACHE_TTL_MS: '100',
      });
    });

    afterAll(async () => {
      proxy?.thaw();
      await harness?.close();
      await proxy?.close();
      await database?.drop();
    });

    const chat = (client: OpenAI) => client.chat.completions.create({ model: 'openai/plain-text', messages: [{ role: 'user', content: 'Hello' }] });

    it('answers its requests from the last known state, not each after the full wait', { timeout: 90_000 }, async () => {
      const { client } = harness;
      expect((await chat(client)).choices[0]?.message.content).toBeTruthy(); // the key is read and known
      await new Promise((resolve) => setTimeout(resolve, 300)); // past GATEWAY_KEY_CACHE_TTL_MS: the next request re-reads it

      proxy.freeze();
      const released = new Promise<'released'>((resolve) => setTimeout(resolve, HANG_MS, 'released'));
      try {
        for (let index = 0; index < SEQUENTIAL; index += 1) {
          const answer = await Promise.race([chat(client), released]);
          expect(answer, `request ${index + 1} of ${SEQUENTIAL} was still waiting when the hang was released`).not.toBe('released');
          expect(answer === 'released' ? undefined : answer.choices[0]?.message.content).toBeTruthy();
        }
      } finally {
        proxy.thaw();
      }
      // Back: the key keeps working.
      expect((await chat(client)).choices[0]?.message.content).toBeTruthy();
    });
  });
}
