import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const here = fileURLToPath(new URL('.', import.meta.url));
const workspace = fileURLToPath(new URL('../..', import.meta.url));
// `nx serve dashboard` proxies to a running node so the page keeps talking to its own origin,
// exactly as it does when apps/api serves the built files.
const target = process.env.MESHCACHE_URL ?? 'http://127.0.0.1:5000';

export default defineConfig({
  root: here,
  base: './',
  plugins: [react()],
  resolve: {
    alias: {
      '@meshcache/api-contract': `${workspace}libs/api-contract/src/index.ts`,
      '@meshcache/sync-protocol': `${workspace}libs/sync-protocol/src/index.ts`,
    },
  },
  build: {
    outDir: '../../dist/apps/dashboard',
    emptyOutDir: true,
    // React and the other libraries change less often than the app: separate chunks stay cached
    // across dashboard releases.
    rolldownOptions: {
      output: {
        codeSplitting: {
          groups: [
            { name: 'react', test: /node_modules[\\/](react|react-dom|scheduler)[\\/]/ },
            { name: 'vendor', test: /node_modules/ },
          ],
        },
      },
    },
  },
  server: {
    port: 4200,
    host: '127.0.0.1',
    proxy: {
      '/api': { target, changeOrigin: true },
      '/health': { target, changeOrigin: true },
      '/socket.io': { target, changeOrigin: true, ws: true },
    },
  },
});
