import type { AppDeps } from '../deps.js';
import type { ApiRoute } from './define-route.js';

export function orgRoutes(_deps: AppDeps): ApiRoute[] {
  return [];
}
