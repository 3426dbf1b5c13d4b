// CompletionService. Authentication is live (the interceptor); the
// completion pipeline itself is not built yet, so each method says so.
import type { ServiceImpl } from '@connectrpc/connect';
import type { CompletionService } from '../../gen/llmgateway/v1/completion_service_pb.js';
import { GatewayError } from '../core/errors/gateway-error.js';

const notYet = (method: string) =>
  new GatewayError('unimplemented', `${method} is not available in this version of the gateway`);

export function completionService(): ServiceImpl<typeof CompletionService> {
  return {
    complete: async () => {
      throw notYet('Complete');
    },
    // eslint-disable-next-line require-yield
    async *streamComplete() {
      throw notYet('StreamComplete');
    },
    embed: async () => {
      throw notYet('Embed');
    },
    countTokens: async () => {
      throw notYet('CountTokens');
    },
    listModels: async () => {
      throw notYet('ListModels');
    },
  };
}
