export { freePort } from './free-port.js';
export { seededRandom } from './prng.js';
