import pkg from '../../package.json';
import { FRONTEND_VERSION } from '../version';

describe('FRONTEND_VERSION', () => {
  it('matches package.json', () => {
    expect(FRONTEND_VERSION).toBe(pkg.version);
  });
});
