// `node dist/bench/row-ids.js [rows] [batch]`: what the request log's row ids cost its inserts as the
// table grows. Two embedded SQLite databases, each migrated like the gateway's, take the same rows
// through the gateway's own insert (RequestLogsRepository.insertBatch) in alternating batches (default
// 1,000,000 rows each, batches of 500 like the request-log writer's): one with random ids (UUID version 4,
// what the gateway used before) and one with the gateway's time-ordered ids (domain/row-id.ts, version 7).
// Prints the CPU per row inserted for each slice of a tenth of the rows, and the reads from disk the
// inserts caused (SQLite's page cache is 2 MB, as in the gateway; reads past it are counted from
// /proc/self/io, reads from the OS's page cache included).
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { newRowId } from '../src/domain/row-id.js';
import type { RequestLogRecord } from '../src/domain/request-log.js';
import { openStorage, type GatewayStorage } from '../src/storage/index.js';

const [rows = 1_000_000, batchSize = 500] = process.argv.slice(2).map(Number);
const slice = Math.max(batchSize, Math.round(rows / 10 / batchSize) * batchSize);

interface Contender {
  name: string;
  newId: () => string;
  storage: GatewayStorage;
  cpuMicros: number;
  readCalls: number;
}

/** The syscall reads of this process so far (`syscr` of /proc/self/io). */
function readCalls(): number {
  return Number(/^syscr: (\d+)$/m.exec(readFileSync('/proc/self/io', 'utf8'))?.[1] ?? 0);
}

function row(id: string, time: number, index: number): RequestLogRecord {
  return {
    id, time, keyId: `key_${index % 50}`, requestedModel: 'bench', route: 'bench', expert: '', providerId: 'bench-upstream',
    upstreamModel: 'gpt-bench', surface: 'openai', operation: 'chat', stream: false, status: 'ok', errorKind: '', errorMessage: '',
    attempts: 1, attemptTrail: [], cacheHit: false, inputTokens: 17, outputTokens: 9, cachedInputTokens: 0, cacheWriteTokens: 0, cacheWrite1hTokens: 0, reasoningTokens: 0, estimated: false,
    costUsd: 0.00004, latencyMs: 2, ttftMs: null, clientIp: '127.0.0.1', userAgent: 'OpenAI/JS 7.60.0', requestId: `req_${index}`,
    traceId: '', requestBody: null, responseBody: null,
  };
}

const dataDir = mkdtempSync(path.join(os.tmpdir(), 'gw-row-ids-'));
try {
  const contenders: Contender[] = [];
  for (const [name, newId] of [['random (v4)', randomUUID], ['time-ordered (v7)', newRowId]] as const) {
    const storage = await openStorage({ dataDir: path.join(dataDir, name.replace(/\W+/g, '-')) });
    contenders.push({ name, newId, storage, cpuMicros: 0, readCalls: 0 });
  }
  process.stdout.write(`request_logs inserts, ${batchSize} rows per transaction: CPU µs per row (reads per 1,000 rows)\n\n`);
  process.stdout.write(`| rows in the table | ${contenders.map((contender) => contender.name).join(' | ')} |\n|---:|${contenders.map(() => '---:|').join('')}\n`);
  let time = Date.now();
  for (let done = 0; done < rows; done += batchSize) {
    for (const contender of contenders) {
      const batch = Array.from({ length: batchSize }, (_, index) => row(contender.newId(), time + index, done + index));
      const cpuBefore = process.cpuUsage();
      const readsBefore = readCalls();
      await contender.storage.requestLogs.insertBatch(batch);
      const cpu = process.cpuUsage(cpuBefore);
      contender.cpuMicros += cpu.user + cpu.system;
      contender.readCalls += readCalls() - readsBefore;
    }
    time += batchSize;
    if ((done + batchSize) % slice === 0) {
      const cells = contenders.map((contender) => `${(contender.cpuMicros / slice).toFixed(1)} (${((contender.readCalls / slice) * 1000).toFixed(0)})`);
      process.stdout.write(`| ${(done + batchSize).toLocaleString('en-US')} | ${cells.join(' | ')} |\n`);
      for (const contender of contenders) {
        contender.cpuMicros = 0;
        contender.readCalls = 0;
      }
    }
  }
  for (const contender of contenders) await contender.storage.close();
} finally {
  rmSync(dataDir, { recursive: true, force: true });
}
