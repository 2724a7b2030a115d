/** `redirect-url-userinfo`: an open-redirect attempt through the `url` deep-link parameter. */
import { EVIL_HOST, openRedirect } from '../factories';

export const scenario = openRedirect({
  id: 'redirect-url-userinfo',
  title: 'Open redirect: url=https://<vendor host>@evil.example/',
  param: 'url',
  payload: (kit) =>
    `${new URL(kit.vendorOrigin).protocol}//${new URL(kit.vendorOrigin).host}@${EVIL_HOST}/`,
});
