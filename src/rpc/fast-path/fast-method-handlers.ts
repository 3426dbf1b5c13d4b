// Takes connect-es's handlers of the fast methods out of a router, so that the Connect plugin does
// not route them and fast-rpc-routes.ts can (handing to them what it does not serve itself).
import type { ConnectRouter } from '@connectrpc/connect';
import type { UniversalHandler } from '@connectrpc/connect/protocol';
import { FAST_METHODS, type FastMethodName } from './fast-call.js';

export function takeFastMethodHandlers(router: ConnectRouter): Map<FastMethodName, UniversalHandler> {
  const taken = new Map<FastMethodName, UniversalHandler>();
  for (const name of Object.keys(FAST_METHODS) as FastMethodName[]) {
    const index = router.handlers.findIndex((handler) => handler.method === FAST_METHODS[name]);
    if (index < 0) throw new Error(`the router has no handler of ${FAST_METHODS[name].parent.typeName}.${FAST_METHODS[name].name}`);
    taken.set(name, router.handlers[index]!);
    router.handlers.splice(index, 1);
  }
  return taken;
}
