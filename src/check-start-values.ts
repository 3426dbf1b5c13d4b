// What the environment names that loadConfig (which reads variables only) cannot judge: the master keys'
// form, what a shared database requires, DATABASE_URL's parts, the TLS files' content and whether the
// process can listen on GATEWAY_HOST. main.ts checks these with the variables, before the first start's
// work (a master key generated, an admin token printed), so every bad value is reported at once, by
// name (exit code 2). A problem names a variable and a file, never a value: it may be a secret.
import { createPrivateKey, X509Certificate, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import { usesEmbeddedDatabase, type GatewayConfig } from './config/config.js';
import type { TlsFiles } from './config/tls-config.js';
import { MasterKeyError, parseMasterKey } from './core/secrets/master-key-ring.js';
import { DatabaseUrlError, resolveDatabaseTarget } from './storage/database-url.js';

/** Every problem of the values below; empty when the start may go on. */
export async function startProblems(config: GatewayConfig, options: { listen: boolean }): Promise<string[]> {
  return [
    ...databaseProblems(config),
    ...masterKeyProblems(config),
    ...(config.tls ? tlsProblems(config.tls) : []),
    // A --workers worker does not try: its listen goes through the primary, which has checked.
    ...(options.listen ? await hostProblems(config.host) : []),
  ];
}

function databaseProblems(config: GatewayConfig): string[] {
  const problems: string[] = [];
  try {
    resolveDatabaseTarget(config.databaseUrl, config.dataDir);
  } catch (error) {
    if (!(error instanceof DatabaseUrlError)) throw error;
    problems.push(error.message);
  }
  if (!usesEmbeddedDatabase(config)) {
    // Every replica must share them, so none may generate its own.
    if (config.masterKey === undefined) problems.push('GATEWAY_MASTER_KEY: required with DATABASE_URL (every replica must share it); generate one with `openssl rand -base64 32`');
    if (config.adminToken === undefined) problems.push('GATEWAY_ADMIN_TOKEN: required with DATABASE_URL (at least 24 characters, e.g. `openssl rand -base64 32`)');
  }
  return problems;
}

function masterKeyProblems(config: GatewayConfig): string[] {
  const problems: string[] = [];
  const check = (text: string, variable: string) => {
    try {
      parseMasterKey(text, variable);
    } catch (error) {
      if (!(error instanceof MasterKeyError)) throw error;
      problems.push(error.message);
    }
  };
  if (config.masterKey !== undefined) check(config.masterKey, 'GATEWAY_MASTER_KEY');
  config.retiredMasterKeys.forEach((text, index) => check(text, `GATEWAY_RETIRED_MASTER_KEYS (entry ${index + 1})`));
  return problems;
}

function tlsProblems(tls: TlsFiles): string[] {
  const problems: string[] = [];
  const read = <T>(variable: string, file: string, what: string, parse: (pem: string) => T): T | undefined => {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      problems.push(`${variable}: cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
      return undefined;
    }
    try {
      if (!text.includes('-----BEGIN ')) throw new Error('no PEM block');
      return parse(text);
    } catch {
      problems.push(`${variable}: ${file} does not hold ${what}`);
      return undefined;
    }
  };
  const certificate = read('GATEWAY_TLS_CERT_FILE', tls.certFile, 'a PEM certificate', (pem) => new X509Certificate(pem));
  const key: KeyObject | undefined = read('GATEWAY_TLS_KEY_FILE', tls.keyFile, 'an unencrypted PEM private key', (pem) => createPrivateKey(pem));
  if (certificate && key && !certificate.checkPrivateKey(key)) {
    problems.push(`GATEWAY_TLS_KEY_FILE: ${tls.keyFile} is not the private key of the certificate in ${tls.certFile}`);
  }
  return problems;
}

/** Binds a throwaway port on the host: a name that does not resolve, or an address not of this machine, fails here. */
async function hostProblems(host: string): Promise<string[]> {
  const server = net.createServer();
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ host, port: 0, exclusive: true }, resolve);
    });
    return [];
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'failed';
    const why = code === 'ENOTFOUND' || code === 'EAI_AGAIN' ? 'the name does not resolve' : code === 'EADDRNOTAVAIL' ? 'not an address of this machine' : 'cannot listen there';
    return [`GATEWAY_HOST: ${why} (${code})`];
  } finally {
    if (server.listening) await new Promise((resolve) => server.close(resolve));
  }
}
