// Stored Responses API answers as the edge uses them: every read is scoped to
// the caller's key, so another key's response answers exactly like a missing
// one (404, nothing about it revealed), and `previous_response_id` walks the
// conversation back through the key's own responses only.
import { GatewayError } from '../../domain/gateway-error.js';
import type { StoredResponse, StoredResponsesRepository } from '../../domain/stored-response.js';
import type { VirtualKeyRecord } from '../../domain/virtual-key.js';

/** A conversation longer than this many stored turns is refused rather than read row by row without end. */
export const MAX_CONVERSATION_TURNS = 500;

/** No response with this id for this key (never stored, deleted, expired, or another key's). */
export class StoredResponseNotFoundError extends GatewayError {
  constructor(
    readonly responseId: string,
    readonly asPrevious: boolean,
    message = asPrevious ? `Previous response with id '${responseId}' not found.` : `Response with id '${responseId}' not found.`,
  ) {
    super(asPrevious ? 'invalid_argument' : 'not_found', message, asPrevious ? { field: 'previous_response_id' } : {});
    this.name = 'StoredResponseNotFoundError';
  }
}

export interface ResponseStore {
  save(response: StoredResponse): Promise<void>;
  /** The key's response; StoredResponseNotFoundError otherwise. */
  get(id: string, key: VirtualKeyRecord): Promise<StoredResponse>;
  /** Deletes the key's response; StoredResponseNotFoundError when it has none by that id. */
  delete(id: string, key: VirtualKeyRecord): Promise<void>;
  /** The conversation ending with response `id`, oldest first; StoredResponseNotFoundError (as previous) when a link is missing. */
  conversation(id: string, key: VirtualKeyRecord): Promise<StoredResponse[]>;
}

export function createResponseStore(repository: StoredResponsesRepository): ResponseStore {
  const owned = async (id: string, key: VirtualKeyRecord, asPrevious: boolean): Promise<StoredResponse> => {
    const stored = await repository.get(id);
    if (!stored || stored.keyId !== key.id) throw new StoredResponseNotFoundError(id, asPrevious);
    return stored;
  };
  return {
    save: (response) => repository.save(response),
    get: (id, key) => owned(id, key, false),
    async delete(id, key) {
      if (!(await repository.delete(id, key.id))) throw new StoredResponseNotFoundError(id, false);
    },
    async conversation(id, key) {
      const turns: StoredResponse[] = [];
      let next = id;
      while (next !== '') {
        if (turns.length >= MAX_CONVERSATION_TURNS) {
          throw new GatewayError('invalid_argument', `The conversation before '${id}' is longer than ${MAX_CONVERSATION_TURNS} responses; send its input instead.`, { field: 'previous_response_id' });
        }
        const turn = await owned(next, key, true).catch((error: unknown) => {
          // An earlier turn is gone: the client sent `id`, which exists, so say what is missing and why.
          if (!(error instanceof StoredResponseNotFoundError) || next === id) throw error;
          throw new StoredResponseNotFoundError(
            id,
            true,
            `Previous response with id '${id}' cannot be continued: an earlier response of its conversation ('${next}') was deleted or has expired; send the conversation's input instead.`,
          );
        });
        turns.push(turn);
        next = turn.previousResponseId;
      }
      return turns.reverse();
    },
  };
}
