import { parseInstanceArgs } from './instance.command';

describe('parseInstanceArgs', () => {
  it('reads the service, its weight and an optional port, in either spelling', () => {
    expect(parseInstanceArgs(['movie', '--weight', '2'])).toEqual({ service: 'movie', weight: 2 });
    expect(parseInstanceArgs(['user', '--weight=3', '--port', '9100'])).toEqual({ service: 'user', weight: 3, port: 9100 });
    expect(parseInstanceArgs(['auth'])).toEqual({ service: 'auth', weight: 1 });
  });

  it('refuses unknown services, weights below 1 and unknown flags with a message', () => {
    expect(() => parseInstanceArgs(['films'])).toThrow(/service one of auth, user, movie, recommendation/);
    expect(() => parseInstanceArgs(['movie', '--weight', '0'])).toThrow(/--weight 1\.\.1000/);
    expect(() => parseInstanceArgs(['movie', '--replicas', '2'])).toThrow(/Bad argument --replicas 2/);
  });
});
