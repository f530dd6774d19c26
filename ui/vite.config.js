// One bundle (cap-ui.js + cap-ui.css) with fixed names, written into the
// Python package's static folder, served at /assets/cap-ui/dist/ by the
// cap_ui blueprint. Templates add ?v=<mtime> for cache busting.
import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

const outDir = fileURLToPath(new URL("../cap/modules/ui/static/dist", import.meta.url));

export default defineConfig({
  base: "/assets/cap-ui/dist/",
  resolve: {
    alias: {
      "@rjsf/validator-ajv8": fileURLToPath(new URL("./src/ajv8-stub.js", import.meta.url)),
    },
  },
  oxc: { jsx: { runtime: "automatic", importSource: "react" } },
  build: {
    outDir,
    emptyOutDir: true,
    sourcemap: false,
    target: "es2020",
    cssCodeSplit: false,
    modulePreload: false,
    chunkSizeWarningLimit: 1500,
    rollupOptions: {
      // React libraries mark modules "use client"; meaningless in one bundle.
      onwarn(warning, warn) {
        if (warning.code !== "MODULE_LEVEL_DIRECTIVE") warn(warning);
      },
      input: fileURLToPath(new URL("./src/main.jsx", import.meta.url)),
      output: {
        entryFileNames: "cap-ui.js",
        chunkFileNames: "cap-ui-[name].js",
        assetFileNames: "cap-ui.[ext]",
        codeSplitting: false,
      },
    },
  },
});
