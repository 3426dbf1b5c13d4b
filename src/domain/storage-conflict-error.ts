// Thrown by a repository when a write collides with an existing id or unique name.
export class StorageConflictError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StorageConflictError';
  }
}
