// UsageService over Connect (connect-node, HTTP/1.1) against a started gateway, with the admin token:
// how an operator's tooling reads the request log and its aggregates.
import { createClient, type Client } from '@connectrpc/connect';
import { createConnectTransport } from '@connectrpc/connect-node';
import { UsageService } from '../../gen/llmgateway/v1/usage_service_pb.js';

export function usageClient(baseUrl: string, adminToken: string): Client<typeof UsageService> {
  const transport = createConnectTransport({
    baseUrl,
    httpVersion: '1.1',
    interceptors: [(next) => (request) => {
      request.header.set('authorization', `Bearer ${adminToken}`);
      return next(request);
    }],
  });
  return createClient(UsageService, transport);
}
