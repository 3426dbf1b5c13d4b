// A SIGHUP while the gateway is still starting (a logrotate or `systemctl reload` during a start that waits
// on its database): SIGHUP's default action would end the process. It must keep starting, and handle the
// signal once it listens. The start is held deterministically: the database is reached through a gate that
// accepts connections and passes them on to MariaDB only when the test opens it.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, inject, it, test } from 'vitest';
import { checkStartScript, freePort, START_FLAGS, startGatewayProcess, waitFor, type GatewayProcess } from '../helpers/gateway-process.js';
import { createFreshMysqlDatabase, type FreshMysqlDatabase } from '../setup/mariadb.js';

const serverUrl = inject('mysqlServerUrl');

/** Whether a process has a handler for SIGHUP: bit 0 of the SigCgt mask in /proc/PID/status (signal 1). */
function catchesHangup(pid: number): boolean {
  try {
    const mask = /^SigCgt:\s*([0-9a-f]+)$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return mask !== undefined && (BigInt(`0x${mask}`) & 1n) === 1n;
  } catch {
    return false;
  }
}

/** Accepts connections at once; pipes them to `target` only after open(). */
async function startGate(target: URL): Promise<{ port: number; open: () => void; close: () => Promise<void> }> {
  let opened: () => void = () => {};
  const gate = new Promise<void>((resolve) => (opened = resolve));
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    sockets.add(client);
    client.on('error', () => {});
    void gate.then(() => {
      const upstream = net.connect(Number(target.port), target.hostname);
      sockets.add(upstream);
      upstream.on('error', () => client.destroy());
      client.on('close', () => upstream.destroy());
      client.pipe(upstream).pipe(client);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    open: opened,
    close: () => {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

if (serverUrl === null) {
  test.skip(`MySQL tier NOT RUN: ${inject('mysqlUnavailableReason') ?? 'no server'}`, () => {});
} else {
  describe('a SIGHUP during the start', () => {
    let database: FreshMysqlDatabase | undefined;
    let gateway: GatewayProcess | undefined;
    let closeGate = async () => {};
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'gw-hangup-start-'));

    afterAll(async () => {
      gateway?.child.kill('SIGKILL');
      await closeGate();
      await database?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    });

    it('does not end the process: it starts once its database answers, then handles the signal', { timeout: 90_000 }, async () => {
      checkStartScript();
      database = await createFreshMysqlDatabase(serverUrl);
      const target = new URL(database.url);
      const gate = await startGate(target);
      closeGate = gate.close;
      const gated = new URL(database.url);
      gated.port = String(gate.port);
      const port = await freePort();
      gateway = startGatewayProcess(
        {
          DATABASE_URL: gated.toString(),
          GATEWAY_DATA_DIR: dataDir,
          GATEWAY_PORT: String(port),
          GATEWAY_MASTER_KEY: randomBytes(32).toString('base64'),
          GATEWAY_ADMIN_TOKEN: `gw-admin-${randomBytes(16).toString('hex')}`,
        },
        { nodeFlags: START_FLAGS },
      );
      // The start is held at the gate: the process must catch SIGHUP already.
      await waitFor(() => catchesHangup(gateway!.child.pid!), 'the starting process to catch SIGHUP', 30_000);
      gateway.child.kill('SIGHUP');
      gate.open();
      await waitFor(() => gateway!.output().includes('gateway listening') || gateway!.child.exitCode !== null || gateway!.child.signalCode !== null, 'the start to finish', 60_000);
      expect(gateway.child.signalCode).toBeNull();
      await waitFor(() => gateway!.output().includes('SIGHUP: no GATEWAY_CONFIG_FILE to re-apply; nothing changed'), 'the held SIGHUP to be handled');
      expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
      gateway.child.kill('SIGTERM');
      expect(await gateway.exited).toBe(0);
    });
  });
}
