import '@testing-library/jest-dom';
import { configure } from '@testing-library/react';

// findBy*/waitFor give up after 1 s by default; on a loaded 2-core machine a render after a
// mocked request can take longer. A real failure still fails, only later.
configure({ asyncUtilTimeout: 5_000 });

// jsdom has no canvas, Path2D or matchMedia; uPlot needs both to build a chart. These stand-ins accept
// every drawing call and report "light, no reduced motion".
const noop = () => undefined;
const context2d = new Proxy(
  {},
  {
    get: (_target, prop) => (prop === 'measureText' ? () => ({ width: 10 }) : noop),
    set: () => true,
  },
);
Object.defineProperty(HTMLCanvasElement.prototype, 'getContext', { value: () => context2d, configurable: true });

class PathStandIn {
  moveTo = noop;
  lineTo = noop;
  rect = noop;
  arc = noop;
  closePath = noop;
  bezierCurveTo = noop;
  quadraticCurveTo = noop;
  addPath = noop;
}
Object.defineProperty(globalThis, 'Path2D', { value: PathStandIn, configurable: true });

Object.defineProperty(window, 'matchMedia', {
  configurable: true,
  value: (query: string) => ({
    matches: false,
    media: query,
    onchange: null,
    addEventListener: noop,
    removeEventListener: noop,
    addListener: noop,
    removeListener: noop,
    dispatchEvent: () => false,
  }),
});
