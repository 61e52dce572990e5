// Module hooks (node:module register): k6's built-in modules come from ./runtime; a script's .js file is an ES module.
const BUILT_IN = {
  k6: 'k6.mjs',
  'k6/http': 'http.mjs',
  'k6/metrics': 'metrics.mjs',
  'k6/execution': 'execution.mjs',
};

export async function resolve(specifier, context, next) {
  if (Object.hasOwn(BUILT_IN, specifier)) {
    return { url: new URL(`./runtime/${BUILT_IN[specifier]}`, import.meta.url).href, shortCircuit: true };
  }
  if (specifier.startsWith('k6/') || /^https?:\/\//.test(specifier)) {
    throw new Error(`${specifier}: not provided by this executor (it has k6, k6/http, k6/metrics and k6/execution)`);
  }
  return next(specifier, context);
}

export async function load(url, context, next) {
  if (url.startsWith('file:') && url.endsWith('.js')) {
    const loaded = await next(url, { ...context, format: 'module' });
    return { ...loaded, format: 'module', shortCircuit: true };
  }
  return next(url, context);
}
