// A legacy source file that cannot be read as what it claims to be (not a
// SQLite database, a backup that does not decrypt or unpack): invalid input,
// worded for the operator and never carrying key material.
export class LegacySourceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LegacySourceError';
  }
}
