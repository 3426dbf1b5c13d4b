// The request log's filter form → RequestFilter.
import { create } from '@bufbuild/protobuf';
import { RequestFilterSchema, RequestStatus, type RequestFilter } from '../../../gen/llmgateway/v1/usage_service_pb.js';
import { localInputToTimestamp } from './form-values.js';

export interface RequestFilterForm {
  keyId: string;
  model: string;
  providerId: string;
  status: RequestStatus;
  /** datetime-local values. */
  from: string;
  to: string;
}

export function emptyRequestFilterForm(): RequestFilterForm {
  return { keyId: '', model: '', providerId: '', status: RequestStatus.UNSPECIFIED, from: '', to: '' };
}

export function toRequestFilter(form: RequestFilterForm): RequestFilter {
  return create(RequestFilterSchema, {
    keyId: form.keyId.trim(),
    model: form.model.trim(),
    providerId: form.providerId.trim(),
    status: form.status,
    from: localInputToTimestamp('filter.from', form.from),
    to: localInputToTimestamp('filter.to', form.to),
  });
}
