// Makes `import ... from 'k6/http'` (and k6, k6/metrics, k6/execution) resolve to this executor's runtime, and loads
// the scripts' .js files as ES modules, as k6 does. Used as `node --import ./register.mjs` or imported first.
import { register } from 'node:module';

register('./hooks.mjs', import.meta.url);
