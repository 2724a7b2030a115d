/** oidc-provider 9 ships no types; the bench only starts it for one login (lib/peer.js). */
declare module 'oidc-provider';
