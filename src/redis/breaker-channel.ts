// Breaker transitions over Redis pub/sub (core/shared-store/shared-breaker-bus.ts):
// each replica publishes its own breakers' openings and closings; the others
// apply them. Our own messages are ignored (the breaker already moved).
import { randomUUID } from 'node:crypto';
import type { BreakerBus } from '../core/shared-store/shared-breaker-bus.js';
import type { RedisConnection } from './redis-client.js';

export function createBreakerChannel(connection: RedisConnection, keyPrefix: string, onError: (error: unknown) => void): BreakerBus {
  const channel = `${keyPrefix}breaker-changed`;
  const origin = randomUUID();
  const listeners: Array<(targetKey: string, to: 'open' | 'closed', reason: string) => void> = [];
  connection.subscribe(
    channel,
    (message) => {
      try {
        const parsed = JSON.parse(message) as { origin?: unknown; target?: unknown; to?: unknown; reason?: unknown };
        if (parsed.origin === origin || typeof parsed.target !== 'string' || (parsed.to !== 'open' && parsed.to !== 'closed')) return;
        const reason = typeof parsed.reason === 'string' ? parsed.reason : '';
        for (const listener of listeners) listener(parsed.target, parsed.to, reason);
      } catch {
        // not one of ours
      }
    },
    // Transitions missed while away are not replayed: each replica's own breakers still protect it.
    () => {},
  );
  return {
    announce: (targetKey, to, reason) => void connection.publish(channel, JSON.stringify({ origin, target: targetKey, to, reason })).catch(onError),
    onAnnounced: (listener) => void listeners.push(listener),
  };
}
