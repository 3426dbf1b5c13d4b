// After the shutdown grace period (GATEWAY_SHUTDOWN_GRACE_MS), how long a process gets for its final writes
// (buffered rows and spend, spans) before it gives up and exits 1: a database that is down must not keep a
// stopping process alive. The --workers primary kills a worker a second after that (cluster/primary.ts).
export const SHUTDOWN_FINAL_WRITES_MS = 5_000;
