// A bare model name that several models the key may use answer to. A GatewayError of kind
// `invalid_argument` on field `model` (400 everywhere); its own class lets the OpenAI surface keep the code
// of the gateway apps moved from, `ambiguous_model_configuration`.
import { GatewayError } from '../../domain/gateway-error.js';

export class AmbiguousModelError extends GatewayError {
  readonly reason = 'ambiguous_model' as const;

  constructor(name: string, candidates: readonly string[]) {
    super('invalid_argument', `model: "${name}" is ambiguous; name one of: ${candidates.join(', ')}`, { field: 'model' });
    this.name = 'AmbiguousModelError';
  }
}

export function isAmbiguousModel(error: unknown): error is AmbiguousModelError {
  return error instanceof AmbiguousModelError;
}
