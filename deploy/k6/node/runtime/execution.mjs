// The k6/execution module: where the code runs (VU, iteration, scenario) and test.abort().
import { state } from './state.mjs';

export class AbortTest extends Error {}

const execution = {
  get vu() {
    return {
      idInInstance: state.vu,
      idInTest: state.vu,
      iterationInInstance: state.iteration,
      iterationInScenario: state.scenario.iterationInScenario,
      tags: {},
      metrics: { tags: {}, metadata: {} },
    };
  },
  get scenario() {
    return {
      name: state.scenario.name,
      executor: state.scenario.executor,
      startTime: state.startedAt,
      progress: 0,
      iterationInInstance: state.iterationInTest,
      iterationInTest: state.iterationInTest,
    };
  },
  get instance() {
    return { iterationsCompleted: state.iterationInTest, iterationsInterrupted: 0, vusActive: 1, vusInitialized: 1,
      currentTestRunDuration: Date.now() - state.startedAt };
  },
  test: {
    abort(reason) {
      state.aborted = reason === undefined ? 'test aborted' : String(reason);
      throw new AbortTest(state.aborted);
    },
    get options() {
      return state.options;
    },
  },
};

export default execution;
