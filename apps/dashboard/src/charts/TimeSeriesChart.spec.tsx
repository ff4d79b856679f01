import { act, render, screen } from '@testing-library/react';
import { TimeSeriesChart } from './TimeSeriesChart';

const format = (v: number) => `${v.toFixed(0)}/s`;

describe('TimeSeriesChart', () => {
  it('draws a uPlot chart and states the latest values in text', () => {
    const { container } = render(
      <TimeSeriesChart
        title="Operations per second"
        times={[1, 2]}
        lines={[{ label: 'reads', values: [5, 12], colorVar: '--series-1' }]}
        format={format}
        paused={false}
      />,
    );
    expect(screen.getByRole('figure', { name: 'Operations per second' })).toBeInTheDocument();
    expect(screen.getByTestId('chart-latest')).toHaveTextContent('reads 12/s');
    expect(container.querySelector('.uplot')).not.toBeNull();
  });

  it('says when there is nothing to draw yet and when it is paused', () => {
    const { rerender } = render(
      <TimeSeriesChart title="Hit ratio" times={[]} lines={[{ label: 'hit ratio', values: [], colorVar: '--series-1' }]} format={format} paused={false} />,
    );
    expect(screen.getByTestId('chart-latest')).toHaveTextContent('waiting for data');
    rerender(
      <TimeSeriesChart title="Hit ratio" times={[1]} lines={[{ label: 'hit ratio', values: [null], colorVar: '--series-1' }]} format={format} paused />,
    );
    expect(screen.getByTestId('chart-latest')).toHaveTextContent('hit ratio no data (paused while the page is hidden)');
  });

  it('removes the chart when unmounted', () => {
    const { container, unmount } = render(
      <TimeSeriesChart title="Memory" times={[1]} lines={[{ label: 'heap', values: [1], colorVar: '--series-1' }]} format={format} paused={false} />,
    );
    const figure = container.querySelector('figure');
    act(() => unmount());
    expect(figure?.querySelector('.uplot')).toBeNull();
  });
});
