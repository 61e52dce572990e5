// The k6 module: check, group, sleep, fail (https://grafana.com/docs/k6/latest/javascript-api/k6/).
import { addSample, blockFor, contextTags, recordCheck, state } from './state.mjs';

export function check(value, sets, tags = {}) {
  let all = true;
  for (const [name, condition] of Object.entries(sets)) {
    const ok = Boolean(typeof condition === 'function' ? condition(value) : condition);
    addSample('checks', ok ? 1 : 0, { ...contextTags(), ...tags, check: name });
    recordCheck(name, ok);
    all = all && ok;
  }
  return all;
}

export function group(name, fn) {
  if (name.includes('::')) throw new Error(`group name "${name}" contains "::"`);
  const parent = state.groupPath;
  state.groupPath = `${parent}::${name}`;
  const started = performance.now();
  try {
    return fn();
  } finally {
    addSample('group_duration', performance.now() - started, contextTags());
    state.groupPath = parent;
  }
}

export function sleep(seconds) {
  blockFor(Number(seconds) * 1000);
}

export function fail(message) {
  throw new Error(message === undefined ? 'fail' : String(message));
}

export function randomSeed(seed) {
  // Math.random cannot be seeded in Node: the scripts here do not rely on a seed.
  void seed;
}

export default { check, group, sleep, fail, randomSeed };
