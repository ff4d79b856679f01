import { parseArgs } from './options.js';

describe('parseArgs', () => {
  it('reads the documented command line', () => {
    const r = parseArgs(['--seconds', '120', '--seed', '7', '--faults', 'partition,kill,pause,netem,clock,disk', '--no-screenshots']);
    expect(r).toMatchObject({ ok: true, options: { seconds: 120, seed: 7, faults: ['partition', 'kill', 'pause', 'netem', 'clock', 'disk'], screenshots: false, fsync: 'always', nodes: 3 } });
  });

  it('names the bad flag', () => {
    expect(parseArgs(['--faults', 'partition,meteor'])).toMatchObject({ ok: false, message: expect.stringContaining('--faults') });
    expect(parseArgs(['--seconds', 'soon'])).toMatchObject({ ok: false, message: expect.stringContaining('--seconds') });
    expect(parseArgs(['--colour', 'red'])).toMatchObject({ ok: false });
    expect(parseArgs(['--seed'])).toMatchObject({ ok: false, message: '--seed needs a value' });
  });
});
