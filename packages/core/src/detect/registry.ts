/**
 * Every built-in detector, in the order they finish: rules that read other rules' findings come
 * after them (logins from exploit sources need the web rules; stored mail needs all of them).
 * A new detector is one file plus a line here.
 */
import type { Detector } from './detector.js';
import { webOverflowRequest } from './web-overflow-request.js';
import { webOverflowPost } from './web-overflow-post.js';
import { webHandlerCrash } from './web-handler-crash.js';
import { authIocSource } from './auth-ioc-source.js';
import { authSpray } from './auth-spray.js';
import { authBruteforce } from './auth-bruteforce.js';
import { authNewSource } from './auth-new-source.js';
import { authImpossibleTravel } from './auth-impossible-travel.js';
import { accessMassDownload } from './access-mass-download.js';
import { smtpSendBurst } from './smtp-send-burst.js';
import { headerFlaggedOrigin } from './header-flagged-origin.js';

export const DETECTORS: readonly Detector[] = [
  webOverflowRequest,
  webOverflowPost,
  webHandlerCrash,
  authIocSource,
  authSpray,
  authBruteforce,
  authNewSource,
  authImpossibleTravel,
  accessMassDownload,
  smtpSendBurst,
  headerFlaggedOrigin,
] as readonly Detector[];

export function detectorById(id: string): Detector | undefined {
  return DETECTORS.find((d) => d.id === id);
}
