import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../../src/domain/gateway-error.js';
import { DEFAULT_PAGE_SIZE, pageRequest, pageResponse, validatePageSize } from '../../../src/core/admin/paging.js';

describe('admin paging', () => {
  it('takes page_size 0 as the default and refuses sizes outside 1..500', () => {
    expect(validatePageSize('page_size', 0)).toBe(DEFAULT_PAGE_SIZE);
    expect(validatePageSize('page_size', 500)).toBe(500);
    for (const size of [-1, 501, 1.5]) {
      expect(() => validatePageSize('page_size', size)).toThrow(
        new GatewayError('invalid_argument', 'page_size: must be between 1 and 500', { field: 'page_size' }),
      );
    }
  });

  it('turns page_size and page_token into a repository request; an empty token is the first page', () => {
    expect(pageRequest({ pageSize: 10, pageToken: 'abc' })).toEqual({ limit: 10, cursor: 'abc' });
    expect(pageRequest({ pageSize: 0, pageToken: '' })).toEqual({ limit: DEFAULT_PAGE_SIZE, cursor: null });
  });

  it('turns a page into the response fields, with an empty token after the last page', () => {
    const double = (n: number) => n * 2;
    expect(pageResponse('numbers', { items: [1, 2], nextCursor: 'next' }, double)).toEqual({ numbers: [2, 4], nextPageToken: 'next' });
    expect(pageResponse('numbers', { items: [], nextCursor: null }, double)).toEqual({ numbers: [], nextPageToken: '' });
  });
});
