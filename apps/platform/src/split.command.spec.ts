import { parseSplitArgs } from './split.command';

describe('parseSplitArgs', () => {
  it('reads weights per service from --scale, in either spelling', () => {
    expect(parseSplitArgs(['--scale', 'movie=3,1,2', 'user=1,1', '--free-ports'])).toEqual({
      scale: { movie: [3, 1, 2], user: [1, 1] },
      freePorts: true,
    });
    expect(parseSplitArgs(['--scale=movie=3,1'])).toEqual({ scale: { movie: [3, 1] }, freePorts: false });
  });

  it('refuses unknown services, zero weights and unknown flags with a message', () => {
    expect(() => parseSplitArgs(['--scale', 'films=3,1'])).toThrow(/service one of auth, user, movie, recommendation/);
    expect(() => parseSplitArgs(['--scale', 'movie=3,0'])).toThrow(/at least 1/);
    expect(() => parseSplitArgs(['--replicas', '2'])).toThrow(/Unknown argument/);
  });
});
