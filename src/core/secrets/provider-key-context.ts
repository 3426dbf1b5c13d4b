// The context a provider's API key is sealed under (MasterKeyRing encrypt/decrypt):
// the provider's id, so a ciphertext cannot be moved to another provider. The
// provider admin seals with it, the provider catalog opens with it, and
// resealProviderKeys does both after a master key rotation.
export const providerKeyContext = (providerId: string) => `provider:${providerId}`;

/** A credential-like extra header's value: bound to its provider and to its header (names are case-insensitive). */
export const providerHeaderContext = (providerId: string, headerName: string) => `provider:${providerId}:header:${headerName.toLowerCase()}`;
