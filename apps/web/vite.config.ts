import react from '@vitejs/plugin-react';
import { defaultClientConditions, defineConfig } from 'vite';

// `npm run dev` proxies the API to a demo server on :3000, so the UI reloads while the API keeps running.
export default defineConfig({
  plugins: [react()],
  // Inside the repository the workspace packages are used from their sources, as everywhere else
  // (`sluice-source` export condition): @sluice/react needs no build of its own for the app to build.
  resolve: { conditions: ['sluice-source', ...defaultClientConditions] },
  // The first download is budgeted in bench/web-ui.bench.ts (250 kB gzip), not by Vite's raw-size warning.
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: false, target: 'es2022', chunkSizeWarningLimit: 1_000 },
  server: { proxy: { '/api': 'http://127.0.0.1:3000', '/docs': 'http://127.0.0.1:3000' } },
});
