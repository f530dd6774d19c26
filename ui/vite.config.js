// Two entries: the app (cap-ui.<hash>.js + cap-ui.<hash>.css) and the API
// docs page (api-docs.<hash>.js + .css, Swagger UI), written into the Python
// package's static folder, served at /assets/cap-ui/dist/ by the cap_ui
// blueprint. Names carry a content hash, so a file never changes under its
// URL (served with a year-long immutable Cache-Control); templates find the
// current names in .vite/manifest.json. Each built file also gets a .br and
// a .gz copy next to it, which the server sends to browsers accepting them.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";
import { defineConfig } from "vite";

const outDir = fileURLToPath(new URL("../cap/modules/ui/static/dist", import.meta.url));
const COMPRESSIBLE = /\.(js|css|svg|json)$/;

// Pre-compressed copies of the emitted files (build time, best ratios).
function precompress() {
  return {
    name: "cap-precompress",
    apply: "build",
    writeBundle(options, bundle) {
      for (const name of Object.keys(bundle)) {
        if (!COMPRESSIBLE.test(name) || name.startsWith(".vite/")) continue;
        const path = join(options.dir, name);
        const data = readFileSync(path);
        writeFileSync(`${path}.br`, brotliCompressSync(data, {
          params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: data.length },
        }));
        writeFileSync(`${path}.gz`, gzipSync(data, { level: 9 }));
      }
    },
  };
}

export default defineConfig({
  base: "/assets/cap-ui/dist/",
  resolve: {
    alias: {
      "@rjsf/validator-ajv8": fileURLToPath(new URL("./src/ajv8-stub.js", import.meta.url)),
    },
  },
  oxc: { jsx: { runtime: "automatic", importSource: "react" } },
  plugins: [precompress()],
  build: {
    outDir,
    emptyOutDir: true,
    manifest: true,
    sourcemap: false,
    target: "es2020",
    // Each entry its own CSS: the pages never load Swagger UI's.
    cssCodeSplit: true,
    modulePreload: false,
    chunkSizeWarningLimit: 1500,
    rollupOptions: {
      // React libraries mark modules "use client"; meaningless in one bundle.
      onwarn(warning, warn) {
        if (warning.code !== "MODULE_LEVEL_DIRECTIVE") warn(warning);
      },
      input: {
        "cap-ui": fileURLToPath(new URL("./src/main.jsx", import.meta.url)),
        "api-docs": fileURLToPath(new URL("./src/apidocs.js", import.meta.url)),
      },
      output: {
        entryFileNames: "[name].[hash].js",
        chunkFileNames: "cap-ui-[name].[hash].js",
        assetFileNames: "[name].[hash].[ext]",
      },
    },
  },
});
