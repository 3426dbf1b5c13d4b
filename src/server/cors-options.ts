// CORS for browsers: Connect-Web / gRPC-Web clients and the official OpenAI and
// Anthropic SDKs used from a page. Origins come from GATEWAY_CORS_ORIGINS.
import { cors as connectCors } from '@connectrpc/connect';
import type { FastifyCorsOptions } from '@fastify/cors';

export function corsOptions(origins: readonly string[]): FastifyCorsOptions {
  return {
    origin: origins.includes('*') ? true : [...origins],
    methods: [...connectCors.allowedMethods],
    // Connect's, the credentials, and the headers the official OpenAI and Anthropic SDKs send from a browser.
    allowedHeaders: [
      ...connectCors.allowedHeaders,
      'Authorization',
      'X-Api-Key',
      'Api-Key',
      'X-Request-Id',
      'X-Session-Id',
      'Anthropic-Version',
      'Anthropic-Beta',
      'Anthropic-Dangerous-Direct-Browser-Access',
      'OpenAI-Organization',
      'OpenAI-Project',
      'X-Stainless-Arch',
      'X-Stainless-Lang',
      'X-Stainless-OS',
      'X-Stainless-Package-Version',
      'X-Stainless-Retry-Count',
      'X-Stainless-Runtime',
      'X-Stainless-Runtime-Version',
      'X-Stainless-Timeout',
    ],
    exposedHeaders: [
      ...connectCors.exposedHeaders,
      'X-Request-Id',
      'Request-Id',
      'Retry-After',
      'X-Gateway-Provider',
      'X-Gateway-Upstream-Model',
      'X-Gateway-Route',
      'X-Gateway-Expert',
      'X-Gateway-Rules',
      'X-Gateway-Attempts',
      'X-Gateway-Warnings',
      'X-Gateway-Token-Count-Method',
    ],
    maxAge: 7200,
  };
}
