// pingscope.mjs: pingscope.js as an ES module. The library itself is one file that runs both as a
// classic script and as a module; importing it here sets globalThis.pingscope, and this module adds
// what only a module knows: its own URL, the default server.
//   import pingscope from 'https://HOST/pingscope.mjs';   or   import { measure, stats } from '…';
import './pingscope.js';

const library = globalThis.pingscope;
const server = new URL('.', import.meta.url).href;
library.home = server; // where pingscope-load.js is fetched from when measure({ load }) asks for it

/** pingscope.measure, with the folder this module was loaded from as the default server. */
export function measure(options = {}) {
  return library.measure({ ...options, server: options.server || server });
}
export const { stats, defaults, version } = library;
export default { ...library, measure };
