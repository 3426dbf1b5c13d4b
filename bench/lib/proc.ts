// Child processes of the benchmark (started with a piped stdin, so that
// child-guard ends them if the harness dies) and what /proc says about them:
// CPU time (user + system, all threads) and resident memory.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, readdirSync, readFileSync } from 'node:fs';
import net from 'node:net';
import { createInterface } from 'node:readline';

export interface Child {
  name: string;
  pid: number;
  process: ChildProcess;
  /** Resolves with the exit code (null after a signal). */
  exited: Promise<number | null>;
  /** Called with each line the child writes to stdout. */
  lineListeners: Set<(line: string) => void>;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once the process is gone. */
  stop(graceMs?: number): Promise<void>;
}

const running = new Set<Child>();

export interface SpawnOptions {
  name: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** stdout and stderr of the child go to this file. */
  logFile: string;
  /** The node binary (default: the one running the harness). */
  nodePath?: string;
  /** A command node runs under (e.g. valgrind and its options); the process is that command's. */
  commandPrefix?: string[];
}

export function spawnNode(options: SpawnOptions): Child {
  const node = options.nodePath ?? process.execPath;
  const [command, ...prefixArgs] = options.commandPrefix?.length ? [...options.commandPrefix, node] : [node];
  const child = spawn(command!, [...prefixArgs, ...options.args], { cwd: options.cwd, env: options.env, stdio: ['pipe', 'pipe', 'pipe'] });
  if (child.pid === undefined) throw new Error(`could not start ${options.name}`);
  const log = createWriteStream(options.logFile);
  child.stderr?.pipe(log, { end: false });
  const lineListeners = new Set<(line: string) => void>();
  const lines = createInterface({ input: child.stdout! });
  lines.on('line', (line) => {
    for (const listener of lineListeners) listener(line);
    log.write(`${line}\n`);
  });
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => {
      running.delete(handle);
      resolve(code);
    });
  });
  exited.finally(() => log.end()).catch(() => undefined);
  const handle: Child = {
    name: options.name,
    pid: child.pid,
    process: child,
    exited,
    lineListeners,
    async stop(graceMs = 10_000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
  running.add(handle);
  return handle;
}

/** Waits for the child's `{"ready":true,"port":N}` line on stdout. */
export function readyPort(child: Child, timeoutMs = 15_000): Promise<number> {
  return readyLine(child, timeoutMs).then((line) => line.port);
}

/** The child's ready line, with whatever else it reports (bare-transports.ts: a second port). */
export function readyLine(child: Child, timeoutMs = 15_000): Promise<{ port: number } & Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.lineListeners.delete(onLine);
      reject(new Error(`${child.name} did not report ready within ${timeoutMs} ms`));
    }, timeoutMs);
    const onLine = (line: string) => {
      let parsed: { ready?: boolean; port?: number } & Record<string, unknown>;
      try {
        parsed = JSON.parse(line) as typeof parsed;
      } catch {
        return;
      }
      if (parsed.ready && typeof parsed.port === 'number') {
        clearTimeout(timer);
        child.lineListeners.delete(onLine);
        resolve({ ...parsed, port: parsed.port });
      }
    };
    child.lineListeners.add(onLine);
    child.exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`${child.name} exited (${code}) before it was ready; see its log`));
    }, reject);
  });
}

/** Stops every child still running (used on any exit path of the harness). */
export async function stopAll(): Promise<void> {
  await Promise.all([...running].map((child) => child.stop(5_000)));
}

/** A free TCP port on 127.0.0.1 (bound and released at once). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

let clockTicks: number | undefined;
/** Clock ticks per second of /proc/<pid>/stat's utime and stime. */
function ticksPerSecond(): number {
  if (clockTicks === undefined) {
    try {
      clockTicks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      clockTicks = 100;
    }
  }
  return clockTicks;
}

/** CPU seconds in user and in system (kernel) mode, every thread, used so far. */
export function cpuSplit(pid: number): { user: number; system: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { user: Number(fields[11]) / ticksPerSecond(), system: Number(fields[12]) / ticksPerSecond() };
}

/**
 * CPU seconds (user + system) of the process's main thread (JavaScript, the event loop) and of all its
 * other threads together (V8's collector helpers and compilers, libuv's pool): a change that moves
 * work between them shows here and not in the process total.
 */
export function threadCpuSeconds(pid: number): { main: number; others: number } {
  const precise = threadNanoseconds(pid);
  if (precise) {
    let others = 0;
    for (const [tid, nanoseconds] of precise) if (tid !== pid) others += nanoseconds;
    return { main: (precise.get(pid) ?? 0) / 1e9, others: others / 1e9 };
  }
  let total = 0;
  let main = 0;
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    let stat: string;
    try {
      stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
    } catch {
      continue; // the thread ended between the listing and the read
    }
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const seconds = (Number(fields[11]) + Number(fields[12])) / ticksPerSecond();
    total += seconds;
    if (Number(tid) === pid) main = seconds;
  }
  return { main, others: total - main };
}

/** Read and write system calls (read, recv, write, send, writev …) the process has made so far. */
export function syscallCounts(pid: number): { reads: number; writes: number } {
  const io = readFileSync(`/proc/${pid}/io`, 'utf8');
  const field = (name: string) => Number(new RegExp(`^${name}: (\\d+)$`, 'm').exec(io)?.[1] ?? Number.NaN);
  return { reads: field('syscr'), writes: field('syscw') };
}

/**
 * Each live thread's CPU time in nanoseconds as the scheduler counts it (the first field of
 * /proc/<pid>/task/<tid>/schedstat), or undefined where the kernel keeps no such file. /proc's stat
 * fields count clock ticks (10 ms): over a thousand calls of half a millisecond that is ±2 %, more than
 * the differences the bench's ratio bars judge. A thread that ends takes its count with it (Node's
 * threads live as long as the process).
 */
function threadNanoseconds(pid: number): Map<number, number> | undefined {
  if (!existsSync(`/proc/${pid}/task/${pid}/schedstat`)) return undefined;
  const times = new Map<number, number>();
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      times.set(Number(tid), Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0]));
    } catch {
      // the thread ended between the listing and the read
    }
  }
  return times;
}

/** CPU seconds (user + system, every thread) the process has used so far: the scheduler's nanoseconds where kept, else clock ticks. */
export function cpuSeconds(pid: number): number {
  const precise = threadNanoseconds(pid);
  if (precise) {
    let total = 0;
    for (const nanoseconds of precise.values()) total += nanoseconds;
    return total / 1e9;
  }
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) may contain spaces: count fields after its closing parenthesis.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  return (utime + stime) / ticksPerSecond();
}

export interface MemoryStatus {
  /** Resident set size now, MB. */
  rssMb: number;
  /** Peak resident set size since start (VmHWM), MB. */
  peakRssMb: number;
}

export function memoryStatus(pid: number): MemoryStatus {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 'NaN');
  return { rssMb: kb('VmRSS') / 1024, peakRssMb: kb('VmHWM') / 1024 };
}

/** The process and its direct children (a --workers primary and its workers). */
export function processTree(pid: number): number[] {
  try {
    const children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim();
    return [pid, ...(children === '' ? [] : children.split(' ').map(Number))];
  } catch {
    return [pid];
  }
}

export function loadAverage(): [number, number, number] {
  const [one = 0, five = 0, fifteen = 0] = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).map(Number);
  return [one, five, fifteen];
}
