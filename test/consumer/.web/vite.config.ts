import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The page of the consumer app, built from the installed @sluice/react (its dist/, as any app gets it).
export default defineConfig({
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022', chunkSizeWarningLimit: 1_000 },
});
