// The file alone, before the gateway starts: readable, valid YAML, valid
// against the schema. Throws ConfigFileError. (What only the gateway can judge —
// unknown providers in a route… — fails the apply that follows.)
import { readConfigFile } from './read-config-file.js';

export function checkConfigFile(file: string): void {
  readConfigFile(file);
}
