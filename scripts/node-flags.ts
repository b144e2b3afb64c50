/**
 * V8 flags every service process runs with, as the Dockerfile's NODE_OPTIONS sets them in the
 * images (test/deploy checks the two agree); `npm start` and the benches pass them too, so local
 * runs and figures match production.
 *
 * --max-semi-space-size=8: the young generation grows to 2 x 8 MB under load, where V8's own
 * ceiling is 2 x 16 MB on Node 20 and, sized from the machine's memory, up to 2 x 64 MB on
 * Node 24. A request's objects die young either way; the cap keeps that memory off each
 * process's RSS after a burst.
 */
export const SERVICE_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=8'];
