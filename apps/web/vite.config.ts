import { fileURLToPath } from 'node:url';
import { defineConfig, type ProxyOptions } from 'vite';
import { API_BASE, API_ROUTES } from '../../libs/contracts/src/routes';
import { SERVICES } from '../../libs/contracts/src/services';

const src = fileURLToPath(new URL('./src', import.meta.url));

/**
 * `vite` (dev server) forwards the API like the edge does: to PINGVAS_API_ORIGIN (a running
 * edge) when set, else each prefix of the route table to its service's local port.
 */
function devProxy(): Record<string, ProxyOptions> {
  const origin = process.env.PINGVAS_API_ORIGIN;
  if (origin) return { [API_BASE]: { target: origin, changeOrigin: false } };
  return Object.fromEntries(
    Object.entries(API_ROUTES).map(([prefix, service]) => {
      const { name, port } = SERVICES[service];
      const override = process.env[`${name.toUpperCase().replace(/-/g, '_')}_PORT`];
      return [`${API_BASE}/${prefix}`, { target: `http://127.0.0.1:${override ?? port}` }];
    }),
  );
}

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  // Vite 8 compiles TSX with Oxc; the automatic runtime is all @vitejs/plugin-react would add
  // for a production build (its optional Babel peers also clash with the lock's Babel 7).
  oxc: { jsx: { runtime: 'automatic', importSource: 'react' } },
  resolve: {
    alias: {
      '@': src,
      '@pingvas/contracts': fileURLToPath(new URL('../../libs/contracts/src', import.meta.url)),
    },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    assetsInlineLimit: 0,
    chunkSizeWarningLimit: 600,
    rolldownOptions: {
      // On a busy 2-core machine every build would print which plugin was slow.
      checks: { bundlerTimings: false },
      // "use client" marks server-component boundaries; a client-only bundle has none.
      onwarn(warning, warn) {
        if (warning.code !== 'MODULE_LEVEL_DIRECTIVE') warn(warning);
      },
    },
  },
  server: { port: 5173, strictPort: false, proxy: devProxy() },
});
