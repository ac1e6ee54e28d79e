import { RdshareError } from './errors.js';

/**
 * A live, read-only view of objects keyed by id: the shape of RDPSRAPI's list interfaces (`get_Item`,
 * `get_Count`, `get__NewEnum` as iteration).
 */
export abstract class ItemList<T extends { readonly id: number }> implements Iterable<T> {
  /** @internal */
  constructor(
    private readonly items: () => Iterable<T>,
    private readonly what: string,
  ) {}

  /** get_Count. */
  get count(): number {
    let n = 0;
    for (const _ of this.items()) n++;
    return n;
  }

  /** get_Item: the entry with this id. @throws {RdshareError} `NOT_FOUND` when there is none. */
  item(id: number): T {
    for (const entry of this.items()) if (entry.id === id) return entry;
    throw new RdshareError('NOT_FOUND', `no ${this.what} with id ${id}`);
  }

  [Symbol.iterator](): Iterator<T> {
    return [...this.items()][Symbol.iterator]();
  }
}
