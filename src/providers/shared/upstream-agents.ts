// The upstream fetch's connection pools: one keep-alive agent per scheme for
// the whole process (an agent's pools are per origin). An idle pooled socket
// is closed before the upstream is likely to close it, as the global fetch
// (undici) does: after the upstream's `Keep-Alive: timeout=N` less a second,
// else after 4 s, at most 600 s. A completion sent on a socket the upstream
// closes at that very moment fails — it is not sent again (upstream-fetch.ts,
// STALE_SOCKET_CODES) — so that race is avoided rather than retried.
import http from 'node:http';
import https from 'node:https';
import type { Socket } from 'node:net';

/** undici's keepAliveTimeout, keepAliveMaxTimeout and the margin it keeps below a hint. */
const IDLE_DEFAULT_MS = 4_000;
const IDLE_MAX_MS = 600_000;
const HINT_MARGIN_MS = 1_000;

interface AgentPair {
  http: http.Agent;
  https: https.Agent;
}
let agents: AgentPair | undefined;

export function agentFor(protocol: string): http.Agent {
  agents ??= {
    http: closingIdleSockets(new http.Agent({ keepAlive: true, scheduling: 'lifo' })),
    https: closingIdleSockets(new https.Agent({ keepAlive: true, scheduling: 'lifo' })),
  };
  return protocol === 'https:' ? agents.https : agents.http;
}

/**
 * Node's agent reads the Keep-Alive hint only to shorten its own `timeout` option, which would also
 * be every new socket's timeout; so the pooled socket's idle timeout is set here instead (the agent
 * destroys a pooled socket whose timeout fires).
 */
function closingIdleSockets<Agent extends http.Agent>(agent: Agent): Agent {
  // Node returns whether the socket may be kept; its types say void.
  const keepSocketAlive = agent.keepSocketAlive.bind(agent) as unknown as (socket: Socket) => boolean;
  (agent as unknown as { keepSocketAlive: (socket: Socket) => boolean }).keepSocketAlive = (socket) => {
    if (!keepSocketAlive(socket)) return false;
    const lifetime = idleLifetimeMs(socket);
    if (lifetime <= 0) return false;
    socket.setTimeout(lifetime);
    return true;
  };
  return agent;
}

/** The response that just ended on the socket, as node:http keeps it (`_httpMessage.res`). */
function idleLifetimeMs(socket: Socket): number {
  const response = (socket as Socket & { _httpMessage?: { res?: http.IncomingMessage } })._httpMessage?.res;
  const hint = /\btimeout=(\d+)/i.exec(String(response?.headers['keep-alive'] ?? ''))?.[1];
  if (hint === undefined) return IDLE_DEFAULT_MS;
  return Math.min(Number(hint) * 1000 - HINT_MARGIN_MS, IDLE_MAX_MS);
}

/** Closes the shared connection pools (tests; the process exit closes them anyway). */
export async function closeUpstreamAgents(): Promise<void> {
  agents?.http.destroy();
  agents?.https.destroy();
  agents = undefined;
}
