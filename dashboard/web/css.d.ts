/** esbuild bundles the imported stylesheet into main.css. */
declare module '*.css';
