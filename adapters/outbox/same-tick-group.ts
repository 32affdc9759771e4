// Work items that arrive in the same turn of the event loop, written by one statement: the rows a relay batch
// handles together reach their handlers at once, and one statement per row was one round trip (and one
// PostgreSQL statement) per row. Each caller still waits for its own group's write, and a failed write fails
// every item of the group (the relay then retries each row on its own schedule).

/** `add(item)` resolves once the group holding `item` has been written by `write(items)`. */
export function sameTickGroup<T>(write: (items: T[]) => Promise<void>): (item: T) => Promise<void> {
  let open: { items: T[]; written: Promise<void> } | undefined;
  return (item) => {
    if (!open) {
      const group = { items: [] as T[], written: Promise.resolve() };
      group.written = new Promise<void>((resolve) => setImmediate(resolve)).then(() => {
        open = undefined; // later items start the next group
        return write(group.items);
      });
      open = group;
    }
    open.items.push(item);
    return open.written;
  };
}
