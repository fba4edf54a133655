// Result values for expected failures (STYLE practice 7): a stable string code that handlers map to an i18n key; bugs throw.

export type Details = Record<string, string | number>;

export type Ok<T> = { ok: true; value: T };
export type Err<C extends string = string> = { ok: false; code: C; details?: Details };
export type Result<T, C extends string = string> = Ok<T> | Err<C>;

export function ok<T>(value: T): Ok<T> {
  return { ok: true, value };
}

/** `details` is left out entirely when not given, so results compare cleanly with `toEqual`. */
export function err<C extends string>(code: C, details?: Details): Err<C> {
  return details === undefined ? { ok: false, code } : { ok: false, code, details };
}
