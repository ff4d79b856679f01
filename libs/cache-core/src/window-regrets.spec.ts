import { MAIN_READ_SIDE, MAIN_SIDE, WINDOW_SIDE, WindowRegrets } from './window-regrets.js';

describe('WindowRegrets (ghosts of evicted keys)', () => {
  it('answers 0 for a key it never saw evicted, and forgets a ghost once it is missed', () => {
    const r = new WindowRegrets(100);
    expect(r.missed(7, 10)).toBe(0);
    r.evicted(7, WINDOW_SIDE, 10);
    expect(r.missed(7, 20)).toBe(1);
    expect(r.missed(7, 21)).toBe(0);
  });

  it('grows the window for a key the window evicted, shrinks it for one the main part evicted', () => {
    const r = new WindowRegrets(100);
    r.evicted(1, WINDOW_SIDE, 0);
    r.evicted(2, MAIN_SIDE, 0);
    expect(r.missed(1, 5)).toBeGreaterThan(0);
    expect(r.missed(2, 5)).toBeLessThan(0);
  });

  it('ignores keys evicted more than a capacity of requests ago, or before the clock went back', () => {
    const r = new WindowRegrets(100);
    r.evicted(1, WINDOW_SIDE, 50);
    expect(r.missed(1, 151)).toBe(0);
    r.evicted(2, WINDOW_SIDE, 50);
    expect(r.missed(2, 150)).toBe(1);
    r.evicted(3, WINDOW_SIDE, 50);
    expect(r.missed(3, 10)).toBe(0);
  });

  it("weighs the rarer side's regrets by how much more often the other side evicts (ARC's step)", () => {
    const r = new WindowRegrets(1000);
    // 1 + 300 window evictions for 1 + 30 main ones: a main regret is worth about ten window ones.
    for (let h = 0; h < 300; h++) r.evicted(1000 + h, WINDOW_SIDE, 0);
    for (let h = 0; h < 30; h++) r.evicted(5000 + h, MAIN_SIDE, 0);
    expect(r.missed(5000, 1)).toBe(-9);
    // The fraction left over (301 / 31 = 9.7) is carried into the next step, not lost.
    expect(r.missed(5001, 1)).toBe(-10);
    expect(r.missed(1000, 1)).toBe(0); // -0.42 + 1 = 0.58: still under one entry
    expect(r.missed(1001, 1)).toBe(1);
  });

  it('grows probation for a key the main part evicted unread, protected for one it evicted after a read', () => {
    const r = new WindowRegrets(100);
    r.evicted(1, MAIN_SIDE, 0);
    r.evicted(2, MAIN_READ_SIDE, 0);
    r.evicted(3, WINDOW_SIDE, 0);
    r.missed(1, 5);
    expect(r.takeProtectedAdjustment()).toBeLessThan(0);
    expect(r.takeProtectedAdjustment()).toBe(0); // handed out once
    r.missed(2, 5);
    expect(r.takeProtectedAdjustment()).toBeGreaterThan(0);
    r.missed(3, 5); // a window ghost moves the window only
    expect(r.takeProtectedAdjustment()).toBe(0);
  });

  it('weighs the two main sides by their own evictions, not by the window\'s', () => {
    const r = new WindowRegrets(1000);
    // 1 + 40 unread evictions for 1 + 4 after a read, among 500 rejected candidates.
    for (let h = 0; h < 500; h++) r.evicted(10_000 + h, WINDOW_SIDE, 0);
    for (let h = 0; h < 40; h++) r.evicted(1000 + h, MAIN_SIDE, 0);
    for (let h = 0; h < 4; h++) r.evicted(5000 + h, MAIN_READ_SIDE, 0);
    r.missed(5000, 1);
    expect(r.takeProtectedAdjustment()).toBe(8); // 41 / 5
    // An unread ghost is worth 1 (5 / 41 < 1): 0.2 carried - 1 = -0.8, under one entry; then -1.8.
    r.missed(1000, 1);
    r.missed(1001, 1);
    expect(r.takeProtectedAdjustment()).toBe(-1);
  });
});
