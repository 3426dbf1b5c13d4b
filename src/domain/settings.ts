/** Small named values the gateway keeps for itself (e.g. the generated admin token's hash). */
export interface SettingsRepository {
  get(name: string): Promise<string | null>;
  /** Inserts only when absent; returns false when a value already existed. */
  insertIfAbsent(name: string, value: string): Promise<boolean>;
  set(name: string, value: string): Promise<void>;
}
