// A response's headers as the SDKs read them, over the record node:http's
// response already parsed. Filling a WHATWG Headers instead validates and
// copies every header of every upstream answer (a measured share of the CPU
// per request) for SDKs that then read two or three of them. It is still a
// `Headers` (instanceof holds) and behaves like a fetch Response's: names are
// case-insensitive, repeated values join with ", " (set-cookie apart, via
// getSetCookie), iteration is sorted by name, and it is immutable.
type RawHeaders = Record<string, string | string[] | undefined>;

export class UpstreamResponseHeaders extends Headers {
  readonly #values = new Map<string, string>();
  readonly #setCookies: string[] = [];
  #sorted: Array<[string, string]> | undefined;

  constructor(raw: RawHeaders) {
    super();
    for (const [rawName, value] of Object.entries(raw)) {
      if (value === undefined) continue;
      const name = rawName.toLowerCase();
      const values = Array.isArray(value) ? value : [value];
      if (name === 'set-cookie') {
        this.#setCookies.push(...values);
        continue;
      }
      const previous = this.#values.get(name);
      const joined = values.join(', ');
      this.#values.set(name, previous === undefined ? joined : `${previous}, ${joined}`);
    }
  }

  override get(name: string): string | null {
    const key = name.toLowerCase();
    if (key === 'set-cookie') return this.#setCookies.length > 0 ? this.#setCookies.join(', ') : null;
    return this.#values.get(key) ?? null;
  }

  override has(name: string): boolean {
    const key = name.toLowerCase();
    return key === 'set-cookie' ? this.#setCookies.length > 0 : this.#values.has(key);
  }

  override getSetCookie(): string[] {
    return [...this.#setCookies];
  }

  override forEach(callback: (value: string, name: string, parent: Headers) => void, thisArg?: unknown): void {
    for (const [name, value] of this.#entries()) callback.call(thisArg, value, name, this);
  }

  override entries(): HeadersIterator<[string, string]> {
    return this.#entries()[Symbol.iterator]() as HeadersIterator<[string, string]>;
  }

  override keys(): HeadersIterator<string> {
    return this.#entries().map(([name]) => name)[Symbol.iterator]() as HeadersIterator<string>;
  }

  override values(): HeadersIterator<string> {
    return this.#entries().map(([, value]) => value)[Symbol.iterator]() as HeadersIterator<string>;
  }

  override [Symbol.iterator](): HeadersIterator<[string, string]> {
    return this.entries();
  }

  override append(_name: string, _value: string): never {
    throw new TypeError('immutable: the headers of an upstream response cannot be changed');
  }

  override set(_name: string, _value: string): never {
    throw new TypeError('immutable: the headers of an upstream response cannot be changed');
  }

  override delete(_name: string): never {
    throw new TypeError('immutable: the headers of an upstream response cannot be changed');
  }

  /** The fetch order: sorted by name, one entry per set-cookie value. */
  #entries(): Array<[string, string]> {
    if (!this.#sorted) {
      // The names are distinct (set-cookie is kept apart): the default string sort — code-unit
      // order, as fetch sorts — needs no comparator call per pair.
      const names = [...this.#values.keys()].sort();
      const entries: Array<[string, string]> = [];
      let cookiesAdded = this.#setCookies.length === 0;
      for (const name of names) {
        if (!cookiesAdded && name > 'set-cookie') {
          for (const cookie of this.#setCookies) entries.push(['set-cookie', cookie]);
          cookiesAdded = true;
        }
        entries.push([name, this.#values.get(name)!]);
      }
      if (!cookiesAdded) for (const cookie of this.#setCookies) entries.push(['set-cookie', cookie]);
      this.#sorted = entries;
    }
    return this.#sorted;
  }
}
