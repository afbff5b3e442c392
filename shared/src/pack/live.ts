/**
 * A read-only list that is the installed pack's list each time it is read. For the lists shared/ has
 * exported since before packs (COUNTIES, DECLARATION_TEXT): their callers index, map, spread and
 * measure them, and keep working unchanged while every read goes to `policyPack()` at that moment —
 * a constant copied at import would keep the first pack (./active.ts). New code calls the function
 * (packCounties(), declarationText()) instead.
 */
export function liveList<T>(current: () => readonly T[]): readonly T[] {
  // The target is only the shape (an array, so Array.isArray and JSON see one); every read goes to `current()`.
  return new Proxy([] as T[], {
    // Array methods read through the proxy (their `this`), so they see the live list, and a method that
    // writes (push, sort …) meets `set` below and fails: nobody edits a pack through its view.
    get: (_target, key): unknown => Reflect.get(current(), key),
    has: (_target, key) => Reflect.has(current(), key),
    ownKeys: () => Reflect.ownKeys(current()),
    getOwnPropertyDescriptor: (_target, key) => {
      const list = current();
      // The target's 'length' is non-configurable and writable, so a proxy may only report it so (a frozen
      // pack list's would be non-writable); the entries are reported configurable, as the target has none.
      if (key === 'length') return { value: list.length, writable: true, enumerable: false, configurable: false };
      const descriptor = Reflect.getOwnPropertyDescriptor(list, key);
      return descriptor === undefined ? undefined : { ...descriptor, configurable: true };
    },
    set: () => false,
    defineProperty: () => false,
    deleteProperty: () => false,
  });
}
