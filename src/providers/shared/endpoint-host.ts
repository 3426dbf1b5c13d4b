// The host (and port) a provider's calls go to, for error messages and logs:
// "could not be reached" is only actionable when it says where. The base URL
// never carries credentials (refused when saved), and only its host is shown.
import type { ProviderConnection } from '../../domain/provider-adapter.js';

/** Where each family's SDK goes when no base URL is configured (their documented defaults). */
const DEFAULT_HOSTS: Partial<Record<ProviderConnection['type'], string>> = {
  openai: 'api.openai.com',
  anthropic: 'api.anthropic.com',
  gemini: 'generativelanguage.googleapis.com',
};

export function endpointHost(connection: Pick<ProviderConnection, 'type' | 'baseUrl'>): string {
  if (connection.baseUrl === '') return DEFAULT_HOSTS[connection.type] ?? '';
  try {
    return new URL(connection.baseUrl).host;
  } catch {
    return '';
  }
}
