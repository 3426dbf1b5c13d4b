// The admin API over Connect JSON, as the tests that drive a started gateway
// call it: one POST per method with the admin token; anything but 200 throws
// with the method, status and body, so a failing setup says what failed.
export type AdminCall = (method: string, body: object) => Promise<Record<string, unknown>>;

export function adminCaller(baseUrl: string, adminToken: string): AdminCall {
  return async (method, body) => {
    const response = await fetch(`${baseUrl}/llmgateway.v1.${method}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${adminToken}` },
      body: JSON.stringify(body),
    });
    const text = await response.text();
    if (response.status !== 200) throw new Error(`${method}: ${response.status} ${text}`);
    return JSON.parse(text) as Record<string, unknown>;
  };
}
