/** `redirect-path-backslash`: an open-redirect attempt through the `path` deep-link parameter. */
import { EVIL_HOST, openRedirect } from '../factories';

export const scenario = openRedirect({
  id: 'redirect-path-backslash',
  title: 'Open redirect: path=/\\evil.example/',
  param: 'path',
  payload: () => `/\\${EVIL_HOST}/`,
});
