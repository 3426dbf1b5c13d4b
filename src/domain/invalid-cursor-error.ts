// Thrown by a listing when the client's page cursor is not one the gateway issued.
export class InvalidCursorError extends Error {
  constructor() {
    super('The page cursor is invalid; start again without a cursor');
    this.name = 'InvalidCursorError';
  }
}
