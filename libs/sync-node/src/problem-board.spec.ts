import { ProblemBoard, type ProblemChange } from './problem-board.js';

describe('ProblemBoard', () => {
  const setup = () => {
    let now = 1000;
    const changes: ProblemChange<'a' | 'b'>[] = [];
    const board = new ProblemBoard<'a' | 'b'>(
      () => now,
      (c) => changes.push(c),
    );
    return { board, changes, advance: (ms: number) => (now += ms) };
  };

  it('reports only changes: raising the same problem again is silent and keeps its start', () => {
    const { board, changes, advance } = setup();
    board.raise('a', 'peer gone', 'p1');
    advance(500);
    board.raise('a', 'peer gone', 'p1');
    expect(changes.map((c) => c.change)).toEqual(['raised']);
    board.raise('a', 'peer gone again', 'p1');
    expect(changes.map((c) => c.change)).toEqual(['raised', 'changed']);
    expect(board.list()).toEqual([{ code: 'a', message: 'peer gone again', peer: 'p1', since: 1000 }]);
    board.clear('a', 'p1');
    board.clear('a', 'p1');
    expect(changes.map((c) => c.change)).toEqual(['raised', 'changed', 'cleared']);
    expect(board.list()).toEqual([]);
  });

  it('keeps one problem per peer with setPeer, and problems without a peer apart', () => {
    const { board, changes } = setup();
    board.raise('b', 'node-wide');
    board.setPeer('p1', { code: 'a', message: 'x' });
    board.setPeer('p1', { code: 'b', message: 'y' });
    expect(board.ofPeer('p1')).toMatchObject({ code: 'b', message: 'y' });
    expect(board.list()).toHaveLength(2);
    board.setPeer('p1', null);
    expect(board.list()).toEqual([{ code: 'b', message: 'node-wide', since: 1000 }]);
    expect(changes.map((c) => `${c.change}:${c.problem.code}:${c.problem.peer ?? ''}`)).toEqual(['raised:b:', 'raised:a:p1', 'cleared:a:p1', 'raised:b:p1', 'cleared:b:p1']);
  });
});

describe('ProblemBoard.clearStale', () => {
  it('clears only problems of that code not raised again since the cutoff', () => {
    let now = 0;
    const board = new ProblemBoard<'a' | 'b'>(
      () => now,
      () => undefined,
    );
    board.raise('a', 'x', 'p1');
    board.raise('a', 'x', 'p2');
    board.raise('b', 'y', 'p3');
    now = 100;
    board.raise('a', 'x', 'p2');
    board.clearStale('a', 50);
    expect(board.list().map((p) => p.peer)).toEqual(['p2', 'p3']);
  });
});
