/** Every key of a Korean dictionary, each a string: a missing translation fails the type check. */
export type Dictionary<T> = { [K in keyof T]: T[K] extends string ? string : Dictionary<T[K]> };
