// The Redis the tests share: GATEWAY_TEST_REDIS_URL when set (.ci/run starts
// one on a free port when nothing answers on 6379), else the machine's own on
// 127.0.0.1:6379. Each test uses a key prefix of its own.
export const TEST_REDIS_URL = process.env['GATEWAY_TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';
