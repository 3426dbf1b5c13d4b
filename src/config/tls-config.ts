// GATEWAY_TLS_CERT_FILE / GATEWAY_TLS_KEY_FILE: TLS on the one port, set
// together. What the files hold is checked by src/check-start-values.ts,
// before the first start's work.
import type { VariableReader } from './metrics-config.js';

export interface TlsFiles {
  certFile: string;
  keyFile: string;
}

export function readTlsFiles(read: VariableReader): TlsFiles | undefined {
  const certFile = read.optional('GATEWAY_TLS_CERT_FILE');
  const keyFile = read.optional('GATEWAY_TLS_KEY_FILE');
  if ((certFile === undefined) !== (keyFile === undefined)) {
    read.problems.push(`${certFile ? 'GATEWAY_TLS_KEY_FILE' : 'GATEWAY_TLS_CERT_FILE'}: GATEWAY_TLS_CERT_FILE and GATEWAY_TLS_KEY_FILE must be set together`);
  }
  return certFile !== undefined && keyFile !== undefined ? { certFile, keyFile } : undefined;
}
