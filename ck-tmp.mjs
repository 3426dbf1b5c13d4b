import { mkdtempSync, rmSync } from 'node:fs'; import os from 'node:os'; import path from 'node:path';
import { newRowId } from './dist/src/domain/row-id.js';
import { openStorage } from './dist/src/storage/index.js';
const row = (id, time, index) => ({ id, time, keyId: `key_${index % 50}`, requestedModel: 'bench', route: 'bench', expert: '', providerId: 'bench-upstream',
    upstreamModel: 'gpt-bench', surface: 'openai', operation: 'chat', stream: false, status: 'ok', errorKind: '', errorMessage: '',
    attempts: 1, cacheHit: false, inputTokens: 17, outputTokens: 9, cachedInputTokens: 0, reasoningTokens: 0, estimated: false,
    costUsd: 0.00004, latencyMs: 2, ttftMs: null, clientIp: '127.0.0.1', userAgent: 'OpenAI/JS 7.60.0', requestId: `req_${index}`,
    traceId: '', requestBody: null, responseBody: null });
for (const size of [64, 500, 128, 64, 500]) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'gw-ck-'));
  const storage = await openStorage({ dataDir: dir });
  let t0 = Date.now(); const times = []; const c0 = process.cpuUsage();
  for (let done = 0; done < 150_000; done += size) { const batch = Array.from({ length: size }, (_, i) => row(newRowId(), t0 + done + i, done + i)); const s = process.hrtime.bigint(); await storage.requestLogs.insertBatch(batch); times.push(Number(process.hrtime.bigint() - s) / 1e3); }
  const cpu = process.cpuUsage(c0); const sorted = [...times].sort((a, b) => a - b);
  const total = times.reduce((a, b) => a + b, 0);
  console.log(`${size}-row batches: wall ${(total / 150000).toFixed(1)} µs/row, cpu ${((cpu.user + cpu.system) / 150000).toFixed(1)} µs/row, batch p50 ${sorted[sorted.length >> 1].toFixed(0)} µs, max ${sorted[sorted.length - 1].toFixed(0)} µs`);
  await storage.close(); rmSync(dir, { recursive: true, force: true });
}
