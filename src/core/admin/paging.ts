// The list RPCs' paging: page_size and page_token in, the repository's Page
// out as the repeated field and next_page_token ('' on the last page).
import type { Page } from '../../domain/page.js';
import { invalidArgument } from '../../domain/gateway-error.js';

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 500;

export function validatePageSize(field: string, pageSize: number): number {
  if (pageSize === 0) return DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(pageSize) || pageSize < 0 || pageSize > MAX_PAGE_SIZE) {
    throw invalidArgument(field, `must be between 1 and ${MAX_PAGE_SIZE}`);
  }
  return pageSize;
}

/** What a repository's list takes: page_size validated (0 = the default), an empty page_token = the first page. */
export function pageRequest(request: { pageSize: number; pageToken: string }): { limit: number; cursor: string | null } {
  return { limit: validatePageSize('page_size', request.pageSize), cursor: request.pageToken || null };
}

/** The response's fields: `field` holds the page's items as messages; next_page_token is '' after the last page. */
export function pageResponse<Field extends string, Item, Message>(
  field: Field,
  page: Page<Item>,
  toMessage: (item: Item) => Message,
): Record<Field, Message[]> & { nextPageToken: string } {
  const items = { [field]: page.items.map(toMessage) } as Record<Field, Message[]>;
  return { ...items, nextPageToken: page.nextCursor ?? '' };
}
