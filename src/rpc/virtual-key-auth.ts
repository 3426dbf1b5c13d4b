// Completion RPCs: the caller's virtual key, through the shared authenticate step.
import { createContextKey, type Interceptor } from '@connectrpc/connect';
import { credentialFromHeaders, type KeyAuthenticator } from '../core/auth/authenticate-key.js';
import type { VirtualKeyRecord } from '../domain/virtual-key.js';

/** The authenticated key, for handlers (`context.values.get(authenticatedKey)`). */
export const authenticatedKey = createContextKey<VirtualKeyRecord | undefined>(undefined, {
  description: 'the caller’s virtual key',
});

const headerOf = (headers: Headers, name: string) => headers.get(name);

export function virtualKeyAuthInterceptor(authenticator: KeyAuthenticator): Interceptor {
  return (next) => async (request) => {
    const record = await authenticator.authenticate(credentialFromHeaders(request.header, headerOf));
    request.contextValues.set(authenticatedKey, record);
    return next(request);
  };
}
