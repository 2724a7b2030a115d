import { EXPIRE_SESSION_PATH, localReturnPath } from '../../src/server/demo-routes';

test('the return path stays on this site', () => {
  expect(localReturnPath('/projects/p?x=1')).toBe('/projects/p?x=1');
  for (const bad of [
    '//evil.example/',
    '/\\evil.example',
    'https://evil.example/',
    '/a\nb',
    `/${'a'.repeat(600)}`,
    undefined,
    ['/x'],
    `${EXPIRE_SESSION_PATH}?rd=/`,
  ]) {
    expect({ bad, path: localReturnPath(bad) }).toEqual({ bad, path: '/' });
  }
});
