// Copy-on-write drafts of a portal's data, so an update copies only the top-level parts its mutator uses.
import type { PortalData } from './types.js';

export interface Draft {
  /** What the mutator gets: a top-level part is copied the first time the mutator reads or replaces it. */
  draft: PortalData;
  /** The data after the mutator: the parts it used are its copies, the others are the base's own objects. */
  next: PortalData;
  /** Top-level keys whose value the mutator may have changed (read as an object, assigned or deleted). */
  touched: ReadonlySet<string>;
  /** Call when the mutator is done: a draft that escaped it then only reads `next`, never copies again. */
  seal(): void;
}

/**
 * On a big portal most of the file is groups, courses and users, while most updates change a
 * counter or a short list: copying the whole data for each of them (structuredClone) cost more than
 * the handler itself. The base is never changed; a part the mutator does not touch is shared.
 */
export function draftOf(base: PortalData): Draft {
  const next = { ...base } as PortalData;
  const target = next as unknown as Record<string, unknown>;
  const copied = new Set<string>();
  let sealed = false;
  const touch = (key: string | symbol) => {
    if (typeof key === 'string') copied.add(key);
  };
  const draft = new Proxy(target, {
    get(t, key) {
      if (!sealed && typeof key === 'string' && !copied.has(key) && Object.hasOwn(t, key)) {
        const value = t[key];
        if (value !== null && typeof value === 'object') {
          copied.add(key);
          t[key] = structuredClone(value);
        }
      }
      return Reflect.get(t, key);
    },
    set(t, key, value) {
      touch(key);
      return Reflect.set(t, key, value);
    },
    deleteProperty(t, key) {
      touch(key);
      return Reflect.deleteProperty(t, key);
    },
    defineProperty(t, key, attributes) {
      touch(key);
      return Reflect.defineProperty(t, key, attributes);
    },
  }) as unknown as PortalData;
  return {
    draft,
    next,
    touched: copied,
    seal: () => {
      sealed = true;
    },
  };
}
