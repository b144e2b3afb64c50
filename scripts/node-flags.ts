/**
 * V8 flags every service process runs with, as the Dockerfile's NODE_OPTIONS sets them in the
 * images (test/deploy checks the two agree); `npm start` and the benches pass them too, so local
 * runs and figures match production.
 *
 * --max-semi-space-size=8: the young generation grows to 2 x 8 MB instead of V8's 2 x 16 MB
 * under load. A request's objects die young either way; the cap keeps 16 MB of young pages off
 * each process's RSS after a burst.
 */
export const SERVICE_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=8'];
