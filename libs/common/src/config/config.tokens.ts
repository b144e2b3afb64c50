/** Injection token of the process's validated configuration object. */
export const APP_CONFIG = Symbol('APP_CONFIG');
