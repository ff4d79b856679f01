import { formatAgo, formatBytes, formatClock, formatDuration, formatPercent, formatRate } from './format';

describe('format', () => {
  it('formats bytes with binary units', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatBytes(50 * 1024 * 1024)).toBe('50.0 MiB');
  });

  it('formats durations as the largest two units', () => {
    expect(formatDuration(450)).toBe('450ms');
    expect(formatDuration(42_000)).toBe('42s');
    expect(formatDuration(125_000)).toBe('2m 05s');
    expect(formatDuration(3 * 3600_000 + 12 * 60_000)).toBe('3h 12m');
    expect(formatDuration(50 * 3600_000)).toBe('2d 2h');
  });

  it('formats how long ago something happened', () => {
    expect(formatAgo(10_000, 10_400)).toBe('just now');
    expect(formatAgo(0, 5_000)).toBe('5s ago');
  });

  it('formats clock times for chart axes', () => {
    expect(formatClock(new Date(2026, 0, 1, 9, 5, 7).getTime())).toBe('09:05:07');
  });

  it('formats rates and percentages compactly', () => {
    expect(formatRate(0)).toBe('0/s');
    expect(formatRate(0.5)).toBe('0.5/s');
    expect(formatRate(12.4)).toBe('12/s');
    expect(formatRate(4200)).toBe('4.2k/s');
    expect(formatPercent(93.25)).toBe('93.3%');
  });
});
