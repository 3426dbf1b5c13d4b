// The request log's filter form → RequestFilter, and ↔ the page's address query (so a reload or a shared
// link shows the same filter and page).
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

/** The address query for a filter and page token: only what is set. */
export function filterToQuery(form: RequestFilterForm, pageToken: string): Record<string, string> {
  const query: Record<string, string> = {};
  const set = (name: string, value: string) => value.trim() !== '' && (query[name] = value.trim());
  set('key', form.keyId);
  set('model', form.model);
  set('provider', form.providerId);
  if (form.status !== RequestStatus.UNSPECIFIED) query['status'] = RequestStatus[form.status].toLowerCase();
  set('from', form.from);
  set('to', form.to);
  set('page', pageToken);
  return query;
}

/** A filter and page token from the address query; what it does not name (or cannot be read) is empty. */
export function filterFromQuery(query: Record<string, unknown>): { form: RequestFilterForm; pageToken: string } {
  const text = (name: string) => (typeof query[name] === 'string' ? query[name] : '');
  // An enum's name only (a TypeScript enum also maps numbers back to names).
  const status: unknown = RequestStatus[text('status').toUpperCase() as keyof typeof RequestStatus];
  return {
    form: { keyId: text('key'), model: text('model'), providerId: text('provider'), status: typeof status === 'number' ? status : RequestStatus.UNSPECIFIED, from: text('from'), to: text('to') },
    pageToken: text('page'),
  };
}
