// The admin session: the token lives in memory and in sessionStorage (gone when the tab closes;
// never localStorage). The gateway's address defaults to the page's own origin; a console served
// elsewhere may name another gateway (which must list the console's origin in GATEWAY_CORS_ORIGINS).
import { reactive } from 'vue';

const TOKEN_ITEM = 'llmgw.console.token';
const GATEWAY_ITEM = 'llmgw.console.gateway';

export interface Session {
  token: string;
  gatewayUrl: string;
}

function readStorage(name: string): string {
  try {
    return globalThis.sessionStorage?.getItem(name) ?? '';
  } catch {
    return '';
  }
}

export const session = reactive<Session>({
  token: readStorage(TOKEN_ITEM),
  gatewayUrl: readStorage(GATEWAY_ITEM),
});

export function signIn(token: string, gatewayUrl: string): void {
  session.token = token;
  session.gatewayUrl = normalizeGatewayUrl(gatewayUrl);
  globalThis.sessionStorage?.setItem(TOKEN_ITEM, session.token);
  globalThis.sessionStorage?.setItem(GATEWAY_ITEM, session.gatewayUrl);
}

export function signOut(): void {
  session.token = '';
  globalThis.sessionStorage?.removeItem(TOKEN_ITEM);
}

export function isSignedIn(): boolean {
  return session.token !== '';
}

/** '' (same origin) or an origin without a trailing slash. */
export function normalizeGatewayUrl(value: string): string {
  return value.trim().replace(/\/+$/, '');
}

export function gatewayBaseUrl(): string {
  return session.gatewayUrl || globalThis.location.origin;
}
