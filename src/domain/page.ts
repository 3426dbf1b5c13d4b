// A page of a listing: the repositories' and the admin services' shape.
export interface Page<T> {
  items: T[];
  /** Opaque cursor for the next page; null on the last page. */
  nextCursor: string | null;
}
