// Clips are Data modules: an ArrayBuffer under wrangler and Vite, a Uint8Array under esbuild's binary loader.
declare module "*.bin" {
  const bytes: ArrayBuffer | Uint8Array;
  export default bytes;
}
