/** `redirect-url-backslash`: an open-redirect attempt through the `url` deep-link parameter. */
import { EVIL_HOST, openRedirect } from '../factories';

export const scenario = openRedirect({
  id: 'redirect-url-backslash',
  title: 'Open redirect: url=/\\evil.example/',
  param: 'url',
  payload: () => `/\\${EVIL_HOST}/`,
});
