import { defineConfig } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';

// esbuild's own JSX transform: @vitejs/plugin-react does not install alongside vite@7 here.
export default defineConfig({
  esbuild: { jsx: 'automatic' },
  build: {
    target: 'es2022',
    sourcemap: false,
    // The certificate code (node-forge for PKCS#12, @peculiar/x509) is large and changes rarely: its own cached chunk.
    // The wrapper that loads reflect-metadata before @peculiar/x509 goes in with it, so that order holds inside the chunk.
    chunkSizeWarningLimit: 700,
    rollupOptions: {
      output: {
        manualChunks: (id) =>
          /node_modules\/(node-forge|@peculiar|reflect-metadata|tsyringe|asn1js|pvtsutils|pvutils)\//.test(id) || id.endsWith('/lib/certificates/x509.ts') ? 'certificates' : undefined,
      },
    },
  },
  plugins: [
    VitePWA({
      registerType: 'autoUpdate',
      injectRegister: false,
      includeAssets: ['icons/icon.svg'],
      manifest: {
        name: 'Mesh Node',
        short_name: 'Mesh',
        description: 'Talk to your amateur radio mesh node: peers, chat, files, station and certificates.',
        theme_color: '#0b3d5c',
        background_color: '#ffffff',
        display: 'standalone',
        start_url: '.',
        scope: '.',
        icons: [
          { src: 'icons/icon-192.png', sizes: '192x192', type: 'image/png' },
          { src: 'icons/icon-512.png', sizes: '512x512', type: 'image/png' },
          { src: 'icons/icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
        ],
      },
      workbox: {
        globPatterns: ['**/*.{js,css,html,png,svg,webmanifest}'],
        navigateFallback: 'index.html',
        // The node's API and WebSocket endpoints must always reach the node, never a cached copy.
        navigateFallbackDenylist: [/^\/api\//, /^\/ws\//, /^\/healthz/, /^\/readyz/, /^\/metrics/],
        cleanupOutdatedCaches: true,
        // The first visit is often the only one with the node in reach: take control at once so it is cached.
        clientsClaim: true,
        skipWaiting: true,
      },
    }),
  ],
  test: {
    environment: 'node',
    include: ['src/**/*.test.ts'],
    testTimeout: 20000,
  },
});
