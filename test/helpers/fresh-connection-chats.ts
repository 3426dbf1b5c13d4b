// Chat completions each on a fresh connection, so that a --workers primary hands them to its workers in
// turn: their statuses, and how many processes answered (the worker part of each x-request-id).
import { request } from '../server/helpers.js';

export async function chatsOnFreshConnections(base: string, secret: string, model: string, count: number): Promise<{ statuses: number[]; processes: number }> {
  const statuses: number[] = [];
  const processes = new Set<string>();
  for (let index = 0; index < count; index += 1) {
    const response = await request(`${base}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${secret}` },
      body: JSON.stringify({ model, messages: [{ role: 'user', content: 'Say hello' }] }),
    });
    statuses.push(response.status);
    const requestId = String(response.headers['x-request-id']);
    processes.add(requestId.slice(0, requestId.lastIndexOf('_')));
  }
  return { statuses, processes: processes.size };
}
