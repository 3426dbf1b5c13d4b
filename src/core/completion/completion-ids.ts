import { randomBytes } from 'node:crypto';

/** A response id: unique, URL-safe, recognisable. */
export const newCompletionId = () => `gen-${randomBytes(12).toString('base64url')}`;
