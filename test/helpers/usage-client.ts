// UsageService over Connect (connect-node, HTTP/1.1) against a started gateway, with the admin token:
// how an operator's tooling reads the request log and its aggregates.
import { createClient, type Client } from '@connectrpc/connect';
import { UsageService } from '../../gen/llmgateway/v1/usage_service_pb.js';
import { adminTransport } from './admin-clients.js';

export function usageClient(baseUrl: string, adminToken: string): Client<typeof UsageService> {
  return createClient(UsageService, adminTransport(baseUrl, adminToken));
}
