// Reads the old gateway's encrypted backup (`backup_<ISO>.tar.gz.enc`): a
// 16-byte IV followed by the AES-256-CBC encryption, under the same key as its
// provider keys (legacy-crypto.ts), of a tar.gz holding `data/<table>.json`
// row arrays. Rows come back as the MySQL reader returns them; a table the
// backup does not hold (health_targets, cost_mappings, blocked_ips are never
// backed up) reads as empty. tar-stream parses the archive: a well-kept
// streaming tar parser, rather than a hand-written ustar reader.
import { createDecipheriv } from 'node:crypto';
import { Readable } from 'node:stream';
import { gunzipSync } from 'node:zlib';
import { extract } from 'tar-stream';
import { LEGACY_TABLES, type LegacyRow, type LegacyTable, type LegacyTables } from './legacy-database.js';
import { legacyCipherKey } from './legacy-crypto.js';
import { inPrimaryKeyOrder } from './legacy-row-order.js';
import { LegacySourceError } from './legacy-source-error.js';

const IV_LENGTH = 16;
const AES_BLOCK = 16;

export async function readLegacyBackup(encrypted: Buffer, jwtSecret: string): Promise<LegacyTables> {
  const archive = unpackGzip(decryptBackup(encrypted, jwtSecret));
  const tables: LegacyTables = Object.fromEntries(LEGACY_TABLES.map((table) => [table, [] as LegacyRow[]])) as Record<LegacyTable, LegacyRow[]>;
  const known = new Set<string>(LEGACY_TABLES);
  const tar = extract();
  Readable.from([archive]).pipe(tar);
  try {
    for await (const entry of tar) {
      const chunks: Buffer[] = [];
      for await (const chunk of entry) chunks.push(chunk as Buffer);
      const table = /^(?:\.\/)?data\/([a-z_]+)\.json$/.exec(entry.header.name)?.[1];
      if (entry.header.type !== 'file' || table === undefined || !known.has(table)) continue;
      tables[table as LegacyTable] = inPrimaryKeyOrder(table as LegacyTable, rowsOf(entry.header.name, Buffer.concat(chunks).toString('utf8')));
    }
  } catch (error) {
    if (error instanceof LegacySourceError) throw error;
    throw new LegacySourceError(`the decrypted backup is not a readable tar archive: ${error instanceof Error ? error.message : String(error)}`);
  }
  return tables;
}

/** CBC has no MAC: a wrong secret shows up as a padding error, or (rarely) as bytes that are not gzip. */
function decryptBackup(encrypted: Buffer, jwtSecret: string): Buffer {
  const body = encrypted.subarray(IV_LENGTH);
  if (encrypted.length < IV_LENGTH + AES_BLOCK || body.length % AES_BLOCK !== 0) {
    throw new LegacySourceError('the file is not an encrypted backup of the old gateway (too short, or not whole AES blocks after the 16-byte IV)');
  }
  try {
    const decipher = createDecipheriv('aes-256-cbc', legacyCipherKey(jwtSecret), encrypted.subarray(0, IV_LENGTH));
    return Buffer.concat([decipher.update(body), decipher.final()]);
  } catch {
    throw wrongSecret();
  }
}

function unpackGzip(compressed: Buffer): Buffer {
  try {
    return gunzipSync(compressed);
  } catch {
    throw wrongSecret();
  }
}

const wrongSecret = () =>
  new LegacySourceError('the backup could not be decrypted with the given JWT secret (wrong or rotated JWT_SECRET?)');

function rowsOf(name: string, json: string): LegacyRow[] {
  let rows: unknown;
  try {
    rows = JSON.parse(json);
  } catch {
    throw new LegacySourceError(`${name} in the backup is not valid JSON`);
  }
  if (!Array.isArray(rows) || !rows.every((row) => row !== null && typeof row === 'object' && !Array.isArray(row))) {
    throw new LegacySourceError(`${name} in the backup is not an array of rows`);
  }
  return rows as LegacyRow[];
}
