// Finds the master key: from the environment, or, on the embedded default
// only, from a generated file in the data folder (created once, mode 0600).
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createMasterKeyRing, generateMasterKey, MasterKeyError, parseMasterKey, type MasterKeyRing } from './master-key-ring.js';

export interface MasterKeySource {
  masterKey: string | undefined;
  retiredMasterKeys: string[];
  dataDir: string;
  embedded: boolean;
}

export interface ResolvedMasterKey {
  ring: MasterKeyRing;
  /** Set when the key was generated during this start. */
  generatedFile: string | undefined;
  /** Set when the key was read from the data folder. */
  file: string | undefined;
}

export const MASTER_KEY_FILE_NAME = 'master.key';

export function resolveMasterKey(source: MasterKeySource): ResolvedMasterKey {
  const retired = source.retiredMasterKeys.map((text, index) =>
    parseMasterKey(text, `GATEWAY_RETIRED_MASTER_KEYS[${index}]`),
  );
  if (source.masterKey !== undefined) {
    return {
      ring: createMasterKeyRing(parseMasterKey(source.masterKey, 'GATEWAY_MASTER_KEY'), retired),
      generatedFile: undefined,
      file: undefined,
    };
  }
  if (!source.embedded) {
    throw new MasterKeyError(
      'GATEWAY_MASTER_KEY is required with DATABASE_URL (every replica must share it); generate one with `openssl rand -base64 32`',
    );
  }
  const file = path.resolve(source.dataDir, MASTER_KEY_FILE_NAME);
  let generatedFile: string | undefined;
  if (!existsSync(file)) {
    mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    // `wx` fails if another process created it meanwhile; then we read theirs.
    try {
      writeFileSync(file, `${generateMasterKey()}\n`, { mode: 0o600, flag: 'wx' });
      generatedFile = file;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  if ((statSync(file).mode & 0o077) !== 0) chmodSync(file, 0o600);
  const key = parseMasterKey(readFileSync(file, 'utf8'), file);
  return { ring: createMasterKeyRing(key, retired), generatedFile, file };
}
