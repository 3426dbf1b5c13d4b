// Loaded first by every process the benchmark starts (the gateway through
// `node --import`, the upstream and the bare proxy by importing it): such a
// process stops by itself when the harness goes away (its stdin pipe closes,
// even after a SIGKILL of the harness) and in any case after a hard lifetime
// (BENCH_MAX_LIFETIME_S). It sends itself SIGTERM, so the gateway still shuts
// down gracefully (and writes its CPU profile); a process that does not exit
// within 15 s of that is ended.

const lifetimeSeconds = Number(process.env['BENCH_MAX_LIFETIME_S'] ?? '900');
let stopping = false;

function stopSelf(): void {
  if (stopping) return;
  stopping = true;
  process.kill(process.pid, 'SIGTERM');
  setTimeout(() => process.exit(3), 15_000).unref();
}

if (Number.isFinite(lifetimeSeconds) && lifetimeSeconds > 0) {
  setTimeout(stopSelf, lifetimeSeconds * 1000).unref();
}

if (!process.stdin.isTTY) {
  process.stdin.on('end', stopSelf);
  process.stdin.on('error', stopSelf);
  process.stdin.resume();
  // The pipe must not keep a process alive that would otherwise exit.
  (process.stdin as unknown as { unref?: () => void }).unref?.();
}

export {};
