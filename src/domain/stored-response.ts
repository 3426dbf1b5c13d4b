// A Responses API answer kept for its key (`store: true`): the rendered
// response object and the input items it answered, as the client sees them
// (OpenAI's Responses wire format), so GET /v1/responses/{id} returns it
// unchanged and `previous_response_id` can continue the conversation on any
// provider. Kept until the retention window passes (GATEWAY_RESPONSES_RETENTION_DAYS).

export interface StoredResponse {
  /** `resp_…`, the id the client was given. */
  id: string;
  /** The virtual key that created it: the only key that can read, continue or delete it. */
  keyId: string;
  /** The response it continued ('' when none): the conversation is this chain. */
  previousResponseId: string;
  /** The model the client asked for. */
  model: string;
  /** Epoch ms. */
  createdAt: number;
  /** The response object (JSON), reasoning encrypted_content included. */
  response: Record<string, unknown>;
  /** This request's input items (JSON), each with its id. */
  inputItems: Record<string, unknown>[];
}

export interface StoredResponsesRepository {
  save(response: StoredResponse): Promise<void>;
  /** The response with this id, whatever its key (the caller checks the key). */
  get(id: string): Promise<StoredResponse | null>;
  /** Deletes the key's response; false when there is none (or it is another key's). */
  delete(id: string, keyId: string): Promise<boolean>;
  /** Deletes up to `limit` responses created before `time` (epoch ms); returns how many. */
  deleteCreatedBefore(time: number, limit: number): Promise<number>;
}
