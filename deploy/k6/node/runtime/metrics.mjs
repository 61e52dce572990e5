// The k6/metrics module: custom metrics, declared in the init context (as k6 requires) and fed by add().
import { addSample, contextTags, defineMetric, state } from './state.mjs';

class Metric {
  constructor(name, type, isTime) {
    if (state.phase !== 'init') throw new Error('metrics must be declared in the init context');
    this.name = name;
    this.type = type;
    defineMetric(name, type, Boolean(isTime)).custom = true;
  }

  add(value, tags = {}) {
    const number = typeof value === 'boolean' ? Number(value) : value;
    if (typeof number !== 'number') throw new Error(`${this.name}: ${JSON.stringify(value)} is not a number`);
    addSample(this.name, this.type === 'rate' ? (number !== 0 ? 1 : 0) : number, { ...contextTags(), ...tags });
    return true;
  }
}

export class Counter extends Metric {
  constructor(name) { super(name, 'counter'); }
}
export class Gauge extends Metric {
  constructor(name, isTime) { super(name, 'gauge', isTime); }
}
export class Rate extends Metric {
  constructor(name) { super(name, 'rate'); }
}
export class Trend extends Metric {
  constructor(name, isTime) { super(name, 'trend', isTime); }
}

export default { Counter, Gauge, Rate, Trend };
