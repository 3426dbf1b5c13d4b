// --workers N (node:cluster): the primary forks N workers — each a whole
// gateway on the shared port, connections handed out round-robin — holds the
// shared rate limits, relays admin-write announcements, starts a new worker
// when one dies, and on SIGTERM/SIGINT stops them all, exiting 0 once every
// worker has closed cleanly. It serves no requests and never opens the
// database (it stays small): the first worker starts alone and does the
// first-start work (migrations, the generated master key and admin token),
// the others start once it listens, so nothing is generated twice. A worker that
// cannot start stops the gateway only during that first start; later, a
// replacement that cannot start (the database down) is tried again, later and
// later, while the other workers keep serving.
import cluster, { type Worker } from 'node:cluster';
import { pino } from 'pino';
import type { GatewayConfig } from '../config/config.js';
import { SHUTDOWN_FINAL_WRITES_MS } from '../config/shutdown-bound.js';
import { NOTHING_TO_RELOAD } from '../config/config-file-config.js';
import { isWorkerMessage } from './messages.js';
import { createMetricsRelay, type RelayPeer } from './metrics-relay.js';
import { createRateLimitHost } from './rate-limit-host.js';
import { WORKER_INDEX_VARIABLE, WORKER_REPLACEMENT_VARIABLE } from './worker-peers.js';

/** More exits than this per worker within CRASH_WINDOW_MS and the primary gives up (a crash loop helps no one). */
const CRASHES_PER_WORKER = 5;
const CRASH_WINDOW_MS = 60_000;
/**
 * A dead worker is replaced after 100 ms, doubling with each recent exit (at most 5 s): a
 * crash loop does not spin, and a Ctrl-C or a service manager that signals the whole process
 * group reaches the primary before it would replace workers that are only shutting down.
 */
const RESTART_DELAY_MS = 100;
const MAX_RESTART_DELAY_MS = 5_000;
/**
 * A replacement that exits before it listens (the database is down, its migrations fail) is tried again
 * after 1 s, doubling with each failure in a row of its slot, at most every 30 s: the outage may last, and
 * each try costs a process start. These do not count as crashes: the other workers are serving meanwhile.
 */
const START_RETRY_DELAY_MS = 1_000;
const MAX_START_RETRY_DELAY_MS = 30_000;
/** A worker ends itself after the grace period plus its final writes' time; one that has not by a second later is killed. */
const KILL_AFTER_GRACE_MS = SHUTDOWN_FINAL_WRITES_MS + 1_000;

export function runPrimary(config: GatewayConfig, workerCount: number): void {
  const log = pino({ level: config.logLevel });
  const limits = createRateLimitHost();
  const workers = new Set<Worker>();
  const listeningWorkers = new Set<Worker>();
  const peerOf = (worker: Worker): RelayPeer => ({
    id: worker.id,
    send: (message) => {
      if (worker.isConnected()) worker.send(message);
    },
  });
  // A scrape asks the workers that listen (one still starting has served nothing yet).
  const metrics = createMetricsRelay({ peers: () => [...listeningWorkers].filter((worker) => worker.isConnected()).map(peerOf) });
  const crashes: number[] = [];
  const indexOf = new WeakMap<Worker, number>();
  /** Failed starts in a row of each slot's replacements (cleared once one listens). */
  const failedStarts = new Map<number, number>();
  let listening = 0;
  let othersForked = false;
  /** Every worker has listened once: from then on, a worker that cannot start is retried, not fatal. */
  let firstStartOver = false;
  let stopping = false;
  let exitCode = 0;

  const stop = (reason: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ reason, workers: workers.size }, 'shutting down');
    if (workers.size === 0) process.exit(exitCode);
    for (const worker of workers) worker.process.kill('SIGTERM');
    setTimeout(() => {
      for (const worker of workers) worker.process.kill('SIGKILL');
    }, config.shutdownGraceMs + KILL_AFTER_GRACE_MS).unref();
  };

  const forkLater = (index: number, delayMs: number) =>
    setTimeout(() => {
      if (!stopping) fork(index, true);
    }, delayMs);

  const fork = (index: number, replacement = false) => {
    const worker = cluster.fork({ [WORKER_INDEX_VARIABLE]: String(index), ...(replacement ? { [WORKER_REPLACEMENT_VARIABLE]: '1' } : {}) });
    workers.add(worker);
    indexOf.set(worker, index);
    let started = false;
    worker.on('listening', (address) => {
      // The main port listens first; a second listener (GATEWAY_METRICS_PORT) is not a second start.
      if (started) return;
      started = true;
      listeningWorkers.add(worker);
      listening += 1;
      if (failedStarts.delete(index)) log.info({ worker: index }, 'a replacement worker started after failed tries');
      if (index === 0 && !othersForked && !stopping) {
        othersForked = true;
        for (let next = 1; next < workerCount; next += 1) fork(next);
      }
      if (listening === workerCount) {
        firstStartOver = true;
        log.info({ workers: workerCount, port: address.port }, 'all workers listening');
      }
    });
    worker.on('message', (message: unknown) => {
      if (!isWorkerMessage(message)) return;
      if (message.type === 'gateway:admin-changed') {
        for (const other of workers) if (other !== worker && other.isConnected()) other.send(message);
        return;
      }
      if (message.type === 'gateway:metrics-gather' || message.type === 'gateway:metrics-part') {
        metrics.handle(peerOf(worker), message);
        return;
      }
      limits.handle(worker.id, message, (answer) => {
        if (worker.isConnected()) worker.send(answer);
      });
    });
    // A send racing the worker's exit fails here; the exit handler does the cleanup.
    // A worker's pid is `workerPid`: pino's own `pid` on every line is the primary's.
    worker.on('error', (error) => log.warn({ err: error, worker: index, workerPid: worker.process.pid }, 'IPC with a worker failed'));
    worker.on('exit', (code, signal) => {
      workers.delete(worker);
      listeningWorkers.delete(worker);
      limits.workerGone(worker.id);
      metrics.workerGone(worker.id);
      if (started) listening -= 1;
      if (stopping) {
        // Our own SIGTERM ends a worker still starting (its handler not yet installed) by the signal: a clean stop.
        const stoppedByUs = code === null && signal === 'SIGTERM';
        if (code !== 0 && !stoppedByUs) exitCode = 1;
        if (workers.size === 0) process.exit(exitCode);
        return;
      }
      if (!started && !firstStartOver) {
        // 2: the worker found the configuration (GATEWAY_CONFIG_FILE) invalid; the primary says the same.
        exitCode = code === 2 ? 2 : 1;
        log.error({ worker: index, workerPid: worker.process.pid, code, signal }, 'a worker exited before it listened; stopping');
        stop('a worker failed to start');
        return;
      }
      if (!started) {
        const failures = (failedStarts.get(index) ?? 0) + 1;
        failedStarts.set(index, failures);
        const delayMs = Math.min(MAX_START_RETRY_DELAY_MS, START_RETRY_DELAY_MS * 2 ** Math.min(10, failures - 1));
        log.error({ worker: index, workerPid: worker.process.pid, code, signal, failures, retryInMs: delayMs, workersServing: listening }, 'a replacement worker failed to start; trying again');
        forkLater(index, delayMs);
        return;
      }
      const now = Date.now();
      crashes.push(now);
      while (crashes.length > 0 && crashes[0]! < now - CRASH_WINDOW_MS) crashes.shift();
      if (crashes.length > CRASHES_PER_WORKER * workerCount) {
        exitCode = 1;
        log.error({ exits: crashes.length, windowMs: CRASH_WINDOW_MS }, 'workers keep exiting; stopping');
        stop('workers keep exiting');
        return;
      }
      const delayMs = Math.min(MAX_RESTART_DELAY_MS, RESTART_DELAY_MS * 2 ** Math.min(10, crashes.length - 1));
      log.error({ worker: index, workerPid: worker.process.pid, code, signal, restartInMs: delayMs }, 'a worker exited; starting another');
      forkLater(index, delayMs);
    });
  };

  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  // GATEWAY_CONFIG_FILE: worker 0 applied it at start and applies it again — once it listens (a worker still
  // starting has no handler yet, and the signal would end it). Without a file: NOTHING_TO_RELOAD.
  process.on('SIGHUP', () => {
    if (!config.configFile) {
      log.info({}, NOTHING_TO_RELOAD);
      return;
    }
    const applier = [...listeningWorkers].find((worker) => indexOf.get(worker) === 0);
    if (applier?.isConnected()) applier.process.kill('SIGHUP');
    else log.warn({}, 'SIGHUP ignored: the worker that applies GATEWAY_CONFIG_FILE is not listening yet');
  });
  fork(0);
}
