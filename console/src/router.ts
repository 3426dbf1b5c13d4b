// Pages load lazily (one chunk each); every page but sign-in needs a session.
import { createRouter, createWebHistory } from 'vue-router';
import { whenUnauthenticated } from './api/clients.js';
import { isSignedIn } from './api/session.js';

export const router = createRouter({
  history: createWebHistory('/console/'),
  routes: [
    { path: '/', redirect: '/overview' },
    { path: '/sign-in', name: 'sign-in', component: () => import('./pages/SignIn.vue'), meta: { public: true } },
    { path: '/overview', name: 'overview', component: () => import('./pages/Overview.vue') },
    { path: '/keys', name: 'keys', component: () => import('./pages/Keys.vue') },
    { path: '/providers', name: 'providers', component: () => import('./pages/Providers.vue') },
    { path: '/routes', name: 'routes', component: () => import('./pages/Routes.vue') },
    { path: '/prompt-rules', name: 'prompt-rules', component: () => import('./pages/PromptRules.vue') },
    { path: '/requests', name: 'requests', component: () => import('./pages/Requests.vue') },
    { path: '/:unknown(.*)*', redirect: '/overview' },
  ],
});

router.beforeEach((to) => {
  if (!to.meta['public'] && !isSignedIn()) return { name: 'sign-in', query: { next: to.fullPath } };
  return true;
});

whenUnauthenticated(() => {
  const current = router.currentRoute.value;
  if (current.name !== 'sign-in') void router.push({ name: 'sign-in', query: { next: current.fullPath, expired: '1' } });
});
