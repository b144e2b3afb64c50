import { setFlagsFromString } from 'node:v8';

/**
 * Imported first by every process's main.ts, before any other module: loading a few thousand
 * modules and booting Nest would otherwise grow V8's young generation to its maximum (2 x 16 MB
 * here), and an idle process keeps those pages resident. With growth off during boot the young
 * generation stays at its initial size; runProcess turns growth back on once the process has
 * started, so under load it grows as before. Only a growth factor read at each resize changes:
 * no other V8 setting is touched after start.
 */
setFlagsFromString('--semi-space-growth-factor=1');

/** V8's default factor (Node 20-24): the young generation doubles when it needs room. */
const DEFAULT_SEMI_SPACE_GROWTH_FACTOR = 2;

export function restoreYoungGenerationGrowth(): void {
  setFlagsFromString(`--semi-space-growth-factor=${DEFAULT_SEMI_SPACE_GROWTH_FACTOR}`);
}
