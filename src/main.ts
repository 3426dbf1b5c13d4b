// Entry point: configuration → build → listen; graceful close on SIGTERM/SIGINT.
// With --workers N (N > 1) this process becomes the primary of N workers (src/cluster).
import './require-supported-runtime.js';
import cluster from 'node:cluster';
import { setDefaultHighWaterMark } from 'node:stream';
import { parseArguments } from './config/arguments.js';
import { ConfigError, loadConfig, type GatewayConfig } from './config/config.js';
import { SHUTDOWN_FINAL_WRITES_MS } from './config/shutdown-bound.js';
import { NOTHING_TO_RELOAD } from './config/config-file-config.js';
import { ConfigFileError } from './declarative/config-file-error.js';
import { startProblems } from './check-start-values.js';
import { createClusterPeers, onPrimaryGone, processChannel, workerSlotFromEnvironment } from './cluster/worker-peers.js';

// Node 22 raised the default stream buffer (highWaterMark) from 16 to 64 KiB. Every stream a request
// holds — the upstream socket and its response, the client's HTTP/2 stream — fills that much while
// its reader lags, and a client that never reads keeps them all full: with 1,000 unread streams the
// 64 KiB buffers cost ~0.16 MB more per stream (822 → 659 MB RSS). The gateway moves JSON bodies
// and SSE events of a few hundred bytes; 16 KiB is what it ran with on Node 20.
setDefaultHighWaterMark(false, 16 * 1024);

/**
 * The environment and the arguments, every problem of both reported at once (exit code 2), with what
 * the variables name (keys, files, the host: check-start-values.ts) checked before anything is generated.
 */
async function readConfig(): Promise<GatewayConfig> {
  const problems: string[] = [];
  let partial: GatewayConfig | undefined;
  const attempt = <T>(read: () => T): T | undefined => {
    try {
      return read();
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      problems.push(...error.problems);
      partial ??= error.partial;
      return undefined;
    }
  };
  const config = attempt(() => loadConfig());
  const workers = attempt(() => parseArguments(process.argv.slice(2)))?.workers;
  const checked = config ?? partial;
  if (checked) {
    // A variable already reported is not reported twice (DATABASE_URL's scheme, say).
    const variableOf = (problem: string) => /^[A-Z][A-Z0-9_]*/.exec(problem)?.[0];
    const reported = new Set(problems.map(variableOf));
    const more = await startProblems(checked, { listen: cluster.isPrimary });
    problems.push(...more.filter((problem) => !reported.has(variableOf(problem))));
  }
  if (!config || problems.length > 0) {
    process.stderr.write(`${new ConfigError(problems).message}\n`);
    process.exit(2);
  }
  return workers === undefined ? config : { ...config, workers };
}

async function serve(config: GatewayConfig, hangups: HeldHangups): Promise<void> {
  const peers = cluster.isWorker ? createClusterPeers(processChannel(), workerSlotFromEnvironment()) : undefined;
  // Imported here, not at the top: a primary never loads the server (it stays small).
  const { build } = await import('./app.js');
  const gateway = await build(config, peers ? { cluster: peers } : {});
  const address = await gateway.listen();
  gateway.fastify.log.info({ address, database: gateway.storage.database.description }, 'gateway listening');

  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    gateway.fastify.log.info({ signal }, 'shutting down');
    // The close waits on the database for the last rows; one that is down (or hangs) would wait forever.
    const deadlineMs = config.shutdownGraceMs + SHUTDOWN_FINAL_WRITES_MS;
    setTimeout(() => {
      gateway.fastify.log.error({ signal, deadlineMs }, 'shutdown did not finish within the grace period plus the final writes\' time: exiting; rows and spend not yet written are lost');
      process.exit(1);
    }, deadlineMs).unref();
    gateway.close().then(
      () => process.exit(0),
      (error: unknown) => {
        gateway.fastify.log.error({ err: error }, 'error while shutting down');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
  // SIGHUP re-applies GATEWAY_CONFIG_FILE (the process that applied it at start; with --workers the primary
  // passes the signal on and the others ignore it). A file that cannot be read or planned changes nothing; one
  // the gateway refuses partway keeps the changes made before the refusal (each is one admin call), and says so.
  // Without a file (NOTHING_TO_RELOAD) the one process says so; a worker leaves that to the primary.
  process.on('SIGHUP', () => {
    if (!config.configFile) {
      if (!peers) gateway.fastify.log.info({}, NOTHING_TO_RELOAD);
      return;
    }
    gateway.reloadConfigFile?.().catch(async (error: unknown) => {
      const { ApplyError } = await import('./declarative/apply-plan.js');
      const problem = error instanceof Error ? error.message : String(error);
      const message = error instanceof ApplyError && error.applied > 0
        ? `configuration file partly applied on SIGHUP: ${error.applied} of ${error.total} changes were made before the gateway refused one; the rest were not`
        : 'configuration file not applied on SIGHUP; the running configuration stays';
      gateway.fastify.log.error({ file: config.configFile, problem }, message);
    });
  });
  // One that came while the gateway started is handled now (the file may have changed after it was read).
  hangups.release();
  // The primary is gone (killed): nothing will answer limit checks or restart us; finish and exit.
  if (peers) {
    onPrimaryGone(() => {
      peers.primaryGone();
      shutdown('primary gone');
    });
  }
}

/**
 * GATEWAY_CONFIG_FILE is read first, by the one process or the --workers primary: a broken file stops the start
 * before anything runs (exit 2). Workers do not check it again: worker 0 applies it at the first start, and a
 * worker that replaces a dead one does not read it at all — a file left half-edited (no SIGHUP sent) must not
 * keep it from starting.
 */
async function checkConfigFileOf(config: GatewayConfig): Promise<void> {
  if (!config.configFile) return;
  // Loaded only when a file is configured.
  const { checkConfigFile } = await import('./declarative/check-config-file.js');
  try {
    checkConfigFile(config.configFile);
  } catch (error) {
    if (!(error instanceof ConfigFileError)) throw error;
    process.stderr.write(`GATEWAY_CONFIG_FILE is not valid:\n${error.message}\n`);
    process.exit(2);
  }
}

interface HeldHangups {
  /** Stops holding; a SIGHUP held meanwhile is raised again, for the handler now in place. */
  release: () => void;
}

/**
 * SIGHUP's default action ends the process, and the gateway's handler is in place only once it listens (or,
 * with --workers, once the primary runs): a logrotate or `systemctl reload` during a start (migrations, a slow
 * database) would stop it. Until then a SIGHUP is held, and raised again on release.
 */
function holdHangups(): HeldHangups {
  let held = false;
  const hold = () => {
    held = true;
  };
  process.on('SIGHUP', hold);
  return {
    release: () => {
      process.off('SIGHUP', hold);
      if (held) process.kill(process.pid, 'SIGHUP');
    },
  };
}

async function main(): Promise<void> {
  const hangups = holdHangups();
  const config = await readConfig();
  if (!cluster.isWorker) await checkConfigFileOf(config);
  if (cluster.isPrimary && config.workers > 1) {
    const { runPrimary } = await import('./cluster/primary.js');
    runPrimary(config, config.workers);
    hangups.release();
  } else {
    await serve(config, hangups);
  }
}

main().catch((error: unknown) => {
  // What only the gateway can check of GATEWAY_CONFIG_FILE (references, ${VARIABLE}s): as invalid as a
  // syntax error, so the same exit code 2 (`llm-gateway apply` exits 3 for both).
  if (error instanceof ConfigFileError) {
    process.stderr.write(`GATEWAY_CONFIG_FILE is not valid:\n${error.message}\n`);
    process.exit(2);
  }
  // A DatabaseUnavailableError words the failure for clients; its cause says where (e.g. connect ECONNREFUSED host:port).
  const cause = error instanceof Error && error.cause instanceof Error ? ` (${error.cause.message})` : '';
  process.stderr.write(`gateway failed to start: ${error instanceof Error ? error.message : String(error)}${cause}\n`);
  process.exit(1);
});
