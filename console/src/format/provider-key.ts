// What the providers list says of a provider's stored API key. The admin API shows the last 4 characters of
// a key of 12 or more (Provider.api_key_last4) and nothing of a shorter one, so an empty ending is no proof
// that there is no key: every type but openai-compatible requires one (a short key then), and an
// openai-compatible provider may have none or a short one.
import { ProviderType, type Provider } from '../../../gen/llmgateway/v1/providers_service_pb.js';

/** The ending to show ("…1234"), or the message that says what an empty one means for this type. */
export function shownApiKey(provider: Pick<Provider, 'type' | 'apiKeyLast4'>): { ending: string } | { message: 'providers.keyShort' | 'providers.keyNoneOrShort' } {
  if (provider.apiKeyLast4 !== '') return { ending: `…${provider.apiKeyLast4}` };
  return { message: provider.type === ProviderType.OPENAI_COMPATIBLE ? 'providers.keyNoneOrShort' : 'providers.keyShort' };
}
